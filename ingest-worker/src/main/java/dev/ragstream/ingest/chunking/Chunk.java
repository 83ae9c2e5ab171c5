package dev.ragstream.ingest.chunking;

/** One piece of a document, small enough for the embedding model to read whole. */
public record Chunk(int index, String text, String headingPath, int tokenCount) {
}
