package dev.ragstream.ingest.chunking;

import java.util.List;

/** Cuts a document's markdown into chunks. */
public interface Chunker {

    /** The chunks of {@code markdown}, numbered from 0; never null, empty for blank input. */
    List<Chunk> chunk(String markdown, Budget budget);

    /**
     * How big a chunk may be, in the embedding model's tokens; the heading path counts too,
     * because it is embedded with the chunk. Each chunk after the first of a section may begin
     * with up to {@code overlapTokens} of its predecessor's closing words (within the budget).
     */
    record Budget(int maxTokens, int overlapTokens) {
        public Budget {
            if (maxTokens < 16) {
                throw new IllegalArgumentException("chunk budget must be at least 16 tokens");
            }
            if (overlapTokens < 0 || overlapTokens > maxTokens / 2) {
                throw new IllegalArgumentException("chunk overlap must be between 0 and half the budget");
            }
        }

        public Budget(int maxTokens) {
            this(maxTokens, 0);
        }
    }
}
