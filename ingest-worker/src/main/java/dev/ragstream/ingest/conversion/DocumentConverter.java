package dev.ragstream.ingest.conversion;

import java.io.InputStream;

/** Turns one document's bytes into markdown. Does not close {@code content}. */
public interface DocumentConverter {

    /**
     * @throws dev.ragstream.platform.kafka.PermanentException with reason {@code unsupported_type},
     *         {@code corrupt_document} or {@code no_extractable_text} when retrying cannot help
     */
    ConvertedDocument convert(InputStream content, String filename, String contentType);

    /** The markdown of a document, and the metadata found in it (title, author, language …). */
    record ConvertedDocument(String markdown, java.util.Map<String, String> metadata) {
    }
}
