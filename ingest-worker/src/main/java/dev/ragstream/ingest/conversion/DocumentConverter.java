package dev.ragstream.ingest.conversion;

import dev.ragstream.platform.tenant.Tenant;
import java.io.InputStream;

/** Turns one document's bytes into markdown. Does not close {@code content}. */
public interface DocumentConverter {

    /**
     * @param filename    the uploaded file's name, used as a type hint; may be null
     * @param contentType the declared media type, possibly with a charset; may be null
     * @throws dev.ragstream.platform.kafka.PermanentException with reason {@code unsupported_type},
     *         {@code corrupt_document}, {@code encrypted_document}, {@code unreadable_document} or
     *         {@code no_extractable_text} (also for an empty file) when retrying cannot help
     */
    ConvertedDocument convert(InputStream content, String filename, String contentType);

    /**
     * Converts a document of {@code tenant}, whose settings may choose how (see
     * {@link RoutingDocumentConverter}); by default the tenant makes no difference. Same contract
     * as {@link #convert(InputStream, String, String)}.
     */
    default ConvertedDocument convert(Tenant tenant, InputStream content, String filename, String contentType) {
        return convert(content, filename, contentType);
    }

    /**
     * The markdown of a document, and the metadata found in it (title, author, language, pages …).
     * Markdown from a paginated source may hold page markers, each alone on a line at the start of
     * its page: {@code <!-- page 3 -->} (see {@link DoclingResponse}).
     */
    record ConvertedDocument(String markdown, java.util.Map<String, String> metadata) {
    }
}
