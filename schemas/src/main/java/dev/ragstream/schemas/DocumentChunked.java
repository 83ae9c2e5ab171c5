package dev.ragstream.schemas;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Some chunks of one version of a document, ready to embed. A document's chunks may be spread
 * over several messages (to stay under the broker's message size); {@code totalChunks} is the
 * count over all of them, so the embed worker knows when the version is complete.
 */
public record DocumentChunked(UUID eventId, String tenantId, UUID documentId, int version,
                              int totalChunks, List<Chunk> chunks, Instant chunkedAt) {

    /** One chunk of text; {@code index} is unique within the document version. */
    public record Chunk(int index, String text, String headingPath, Integer page, int tokenCount) {
        /** Never the text: events end up in debug logs. */
        @Override
        public String toString() {
            return "Chunk[index=" + index + ", page=" + page + ", tokenCount=" + tokenCount + "]";
        }
    }
}
