package dev.ragstream.ingest.chunking;

/**
 * One piece of a document, small enough for the embedding model to read whole.
 *
 * @param page the page its text starts on, null when the source has no pages
 */
public record Chunk(int index, String text, String headingPath, int tokenCount, Integer page) {
}
