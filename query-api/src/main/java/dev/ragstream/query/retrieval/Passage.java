package dev.ragstream.query.retrieval;

import java.util.UUID;

/**
 * A retrieved chunk with the seed's scores: {@code similarity} (cosine, 0–1),
 * {@code keywordScore} (full-text rank, 0–1) and {@code combinedScore} (reciprocal rank fusion,
 * scaled so that first place in both lists is 1), and its places in the two lists that were fused
 * ({@code vectorRank}, {@code keywordRank}: 1 is first, 0 when the list did not hold it).
 */
public record Passage(UUID documentId, String filename, int chunkIndex, String text, String headingPath,
                      double similarity, double keywordScore, double combinedScore, int vectorRank, int keywordRank) {
}
