package dev.ragstream.gateway.upload;

import dev.ragstream.platform.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.apache.tika.detect.CompositeDetector;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;
import org.springframework.http.HttpStatus;

/**
 * Decides an upload's type from its content (Tika's magic-byte detection, with the sanitised file
 * name only as a hint that can refine but never override the bytes) against an allow-list. The
 * type the client declared is ignored.
 * <p>Tika's default detectors, but the magic-byte one sees the first {@value #MAGIC_BYTES} bytes
 * rather than the 64 kB its deepest pattern could reach (in CPU profiles of 100 KB text uploads,
 * detection went from 44 % of the upload handler's time to 34 %; most of what is left is trying
 * each pattern of the registry, whatever the length). The types accepted here are all told apart
 * within the first kilobytes (PDF, RTF and ZIP at offset 0, ODT and EPUB at 30, HTML and e-mail
 * headers near the start, text by its bytes); the container detectors (DOCX, PPTX, XLSX), where
 * they are on the class path, still read the whole stream as they need, and are asked only about
 * what can be a container ({@link #detector}).
 * <p>The magic-byte detector is the full registry's, or a smaller copy of it that answers for the head at hand as
 * the full one would ({@link MagicRegistries}): a text file is detected in 130 µs instead of 530.
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

    /** Accepted types that are no container: the magic-byte detector's answer stands (see {@link #detector}). */
    private static final Set<String> MAGIC_ALONE = Set.of("application/pdf", "application/rtf", "text/html",
            "application/xhtml+xml", "text/markdown", "text/x-web-markdown", "text/plain", "text/csv", "message/rfc822");

    private static final int MAGIC_BYTES = 8 * 1024;
    static final MagicRegistries REGISTRIES = MagicRegistries.load();
    private static final Detector DETECTOR = detector();

    private ContentTypes() {
    }

    /** The detected base type, e.g. {@code application/pdf}. */
    static String detect(InputStream content, String filename) throws IOException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        return DETECTOR.detect(content, metadata).getBaseType().toString();
    }

    /**
     * The magic-byte detector first; the others on the class path (the container detectors that tell
     * a DOCX from other ZIP files, where the ingest worker's parsers share the gateway's JVM) refine
     * its answer as Tika's composite would — they come before it there, and it wins only with a
     * specialisation of theirs — unless that answer is an accepted type that is no container
     * ({@link #MAGIC_ALONE}). The other detectors look for binary containers (ZIP, OLE, gzip,
     * Matroska, Ogg, binary property lists) whose heads the magics do not take for text, PDF, HTML,
     * RTF or e-mail; for a text upload they cost a sixth of its detection (a tar header probe that
     * throws for every text), so they are asked only for what can be a container or is refused.
     */
    private static Detector detector() {
        MimeTypes full = REGISTRIES.full();
        List<Detector> defaults = new DefaultDetector(full).getDetectors();
        if (defaults.isEmpty() || defaults.get(defaults.size() - 1) != full) {
            throw new IllegalStateException("Tika's magic-byte detector is not the last of its default detectors");
        }
        MediaTypeRegistry types = full.getMediaTypeRegistry();
        Detector magic = (stream, metadata) -> {
            byte[] head = head(stream);
            return REGISTRIES.forHead(head).detect(new ByteArrayInputStream(head), metadata);
        };
        Detector others = new CompositeDetector(types, defaults.subList(0, defaults.size() - 1));
        return (stream, metadata) -> {
            MediaType byMagic = magic.detect(stream, metadata);
            if (MAGIC_ALONE.contains(byMagic.getBaseType().toString())) {
                return byMagic;
            }
            MediaType byOthers = others.detect(stream, metadata);
            return types.isSpecializationOf(byMagic, byOthers) ? byMagic : byOthers;
        };
    }

    /** The first {@link #MAGIC_BYTES} bytes of a stream that supports mark, which is left where it was. */
    private static byte[] head(InputStream stream) throws IOException {
        stream.mark(MAGIC_BYTES);
        try {
            return stream.readNBytes(MAGIC_BYTES);
        } finally {
            stream.reset();
        }
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
