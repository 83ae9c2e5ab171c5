package dev.ragstream.query;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Query API settings ({@code ragstream.query.*}).
 *
 * @param topK             passages used for an answer and reported as sources
 * @param candidates       nearest neighbours and keyword hits fetched before fusion, each
 * @param keywordCandidates matching rows ranked by full text at most (ranking costs ~30 µs a row; on the
 *                         labelled set in {@code samples/quality} 200 rank as well as 1,000)
 * @param minSimilarity    relevance gate: below this cosine similarity a passage is not context
 * @param efSearch         HNSW search breadth
 * @param maxMessageLength longest accepted chat message, in characters
 * @param keywordWeight    the keyword list's weight in the rank fusion (the vector list's is 1)
 * @param llmTimeout       how long one call of a tenant's language model may take, streaming included
 * @param llmMaxTokens     the longest answer asked of a language model, in tokens
 * @param llmRetries       further attempts after a 429, 5xx or timeout, before the first token only
 * @param exactScanBelow   a metadata filter that leaves at most this many chunks is searched exactly
 *                         (every vector compared) rather than through the HNSW index
 */
@Validated
@ConfigurationProperties("ragstream.query")
public record QueryProperties(@DefaultValue("5") @Min(1) @Max(50) int topK,
                              @DefaultValue("20") @Min(1) @Max(200) int candidates,
                              @DefaultValue("200") @Min(10) int keywordCandidates,
                              @DefaultValue("0.35") @DecimalMin("0") @DecimalMax("1") double minSimilarity,
                              @DefaultValue("100") @Min(10) @Max(1000) int efSearch,
                              @DefaultValue("10000") @Min(1) int maxMessageLength,
                              @DefaultValue("0.25") @DecimalMin("0") @DecimalMax("1") double keywordWeight,
                              @DefaultValue("60s") java.time.Duration llmTimeout,
                              @DefaultValue("1024") @Min(16) int llmMaxTokens,
                              @DefaultValue("2") @Min(0) @Max(5) int llmRetries,
                              @DefaultValue("5000") @Min(0) int exactScanBelow) {
}
