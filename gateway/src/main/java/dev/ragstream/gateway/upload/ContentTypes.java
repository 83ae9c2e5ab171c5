package dev.ragstream.gateway.upload;

import dev.ragstream.platform.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.apache.tika.Tika;
import org.apache.tika.mime.MediaType;
import org.springframework.http.HttpStatus;

/**
 * Decides an upload's type from its content (Tika's magic-byte detection, with the sanitised file
 * name only as a hint that can refine but never override the bytes) against an allow-list. The
 * type the client declared is ignored.
 */
final class ContentTypes {

    static final String ZIP = "application/zip";

    private static final Set<String> DOCUMENTS = Set.of(
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/x-tika-ooxml",
            "application/vnd.oasis.opendocument.text",
            "application/rtf",
            "text/html", "application/xhtml+xml",
            "text/markdown", "text/x-web-markdown",
            "text/plain",
            "text/csv",
            "message/rfc822",
            "application/epub+zip");

    private static final Tika TIKA = new Tika();

    private ContentTypes() {
    }

    /** The detected base type, e.g. {@code application/pdf}. */
    static String detect(InputStream content, String filename) throws IOException {
        return MediaType.parse(TIKA.detect(content, filename)).getBaseType().toString();
    }

    /** @throws ApiException 415 when {@code type} is neither an accepted document type nor (if allowed) a ZIP */
    static void requireAccepted(String type, String filename, boolean zipAllowed) {
        if (DOCUMENTS.contains(type) || (zipAllowed && ZIP.equals(type))) {
            return;
        }
        throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-type", "Unsupported file type of '"
                + filename + "': accepted are PDF, DOCX, PPTX, XLSX, ODT, RTF, HTML, Markdown, text, CSV, EML, EPUB"
                + (zipAllowed ? " and ZIP archives of them" : ""));
    }
}
