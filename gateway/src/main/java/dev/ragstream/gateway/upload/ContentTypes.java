package dev.ragstream.gateway.upload;

import dev.ragstream.platform.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.tika.detect.CompositeDetector;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.mime.MimeTypesFactory;
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
 * headers near the start, text by its bytes); the container detectors (DOCX, PPTX, XLSX) still
 * read the whole stream as they need.
 * <p>One magic of the registry is left out where it cannot match: the older Adobe Illustrator
 * files' regular expression, which Tika tries at each of the head's 8,192 offsets (in a CPU profile
 * of bench gateway, a third of detection's time for a text upload). A head without its literal
 * text ({@value #ILLUSTRATOR_LITERAL}) is detected by a copy of the registry without it, which
 * answers as the full one: a magic that does not match changes nothing, and the copy reads as
 * many bytes ({@code getMinLength}); any other head is detected by the full registry.
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

    private static final int MAGIC_BYTES = 8 * 1024;
    private static final String ILLUSTRATOR_LITERAL = "%AI5_FileFormat ";
    private static final String ILLUSTRATOR_MAGIC = """
            <magic priority="60">
                  <match value="[\\r\\n]%AI5_FileFormat [1-4][\\r\\n]" type="regex" offset="0:8192"/>
                </magic>""";
    private static final byte[] ILLUSTRATOR = ILLUSTRATOR_LITERAL.getBytes(StandardCharsets.ISO_8859_1);
    private static final Detector DETECTOR = detector();

    private ContentTypes() {
    }

    /** The detected base type, e.g. {@code application/pdf}. */
    static String detect(InputStream content, String filename) throws IOException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        return DETECTOR.detect(content, metadata).getBaseType().toString();
    }

    private static Detector detector() {
        MimeTypes magic = MimeTypes.getDefaultMimeTypes();
        MimeTypes lean = withoutIllustratorMagic(magic);
        List<Detector> defaults = new DefaultDetector(magic).getDetectors();
        if (!defaults.contains(magic)) {
            throw new IllegalStateException("Tika's magic-byte detector is not among its default detectors");
        }
        List<Detector> detectors = defaults.stream().map(d -> d != magic ? d : (Detector) (stream, metadata) -> {
            byte[] head = head(stream);
            return (contains(head, ILLUSTRATOR) ? magic : lean).detect(new ByteArrayInputStream(head), metadata);
        }).toList();
        return new CompositeDetector(magic.getMediaTypeRegistry(), detectors);
    }

    /** Tika's own registry less the Illustrator magic; fails when Tika's definitions no longer hold it as expected. */
    private static MimeTypes withoutIllustratorMagic(MimeTypes full) {
        try (InputStream in = MimeTypes.class.getResourceAsStream("tika-mimetypes.xml")) {
            String definitions = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int at = definitions.indexOf(ILLUSTRATOR_MAGIC);
            boolean customised = System.getProperty(MimeTypesFactory.CUSTOM_MIMES_SYS_PROP) != null
                    || MimeTypes.class.getResource("custom-mimetypes.xml") != null; // the copy would lack them
            if (at < 0 || definitions.indexOf(ILLUSTRATOR_MAGIC, at + 1) >= 0 || customised) {
                throw new IllegalStateException("Tika's magic for Illustrator files is not the one expected once");
            }
            MimeTypes lean = MimeTypesFactory.create(new ByteArrayInputStream(
                    definitions.replace(ILLUSTRATOR_MAGIC, "").getBytes(StandardCharsets.UTF_8)));
            if (lean.getMinLength() != full.getMinLength()) {
                throw new IllegalStateException("Without the Illustrator magic, Tika would read another number of bytes");
            }
            return lean;
        } catch (IOException | MimeTypeException e) {
            throw new IllegalStateException("Cannot read Tika's media type definitions", e);
        }
    }

    private static boolean contains(byte[] bytes, byte[] literal) {
        for (int i = 0; i <= bytes.length - literal.length; i++) {
            if (bytes[i] == literal[0] && Arrays.equals(bytes, i, i + literal.length, literal, 0, literal.length)) {
                return true;
            }
        }
        return false;
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
