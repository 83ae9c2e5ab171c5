package dev.ragstream.embedding;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link OpenAiEmbeddingModel} talks to its server: platform settings, the same for every
 * tenant of a provider. {@link #defaultsFor} gives values that suit OpenAI's limits or small
 * self-hosted servers.
 *
 * @param maxBatchSize        the most texts in one request (OpenAI accepts 2048)
 * @param maxBatchTokens      the most tokens in one request, estimated generously as a third of
 *                            the characters (OpenAI accepts 300,000); a single longer text is sent alone
 * @param maxAttempts         the most requests made for one batch, the first included
 * @param requestTimeout      how long one request may take, from sending to the last byte of the answer
 * @param backoffBase         the wait before the second attempt is drawn from zero to this; it
 *                            doubles with each further attempt
 * @param backoffCap          the longest drawn wait
 * @param maxRetryAfter       the longest a {@code Retry-After} header is honoured; longer asks are cut to it
 * @param circuitOpenDuration how long calls fail fast once the circuit breaker has opened
 */
public record OpenAiEmbeddingOptions(int maxBatchSize, int maxBatchTokens, int maxAttempts, Duration requestTimeout,
                                     Duration backoffBase, Duration backoffCap, Duration maxRetryAfter,
                                     Duration circuitOpenDuration) {

    public OpenAiEmbeddingOptions {
        if (maxBatchSize < 1 || maxBatchTokens < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("maxBatchSize, maxBatchTokens and maxAttempts must be at least 1");
        }
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(backoffBase, "backoffBase");
        requirePositive(backoffCap, "backoffCap");
        requirePositive(maxRetryAfter, "maxRetryAfter");
        requirePositive(circuitOpenDuration, "circuitOpenDuration");
    }

    /**
     * 2048 texts per request for {@value EmbeddingSettings#OPENAI}, 256 for any other provider;
     * 250,000 estimated tokens; 5 attempts; 60 s per request; backoff from 500 ms, capped at 30 s;
     * {@code Retry-After} honoured up to 60 s; the circuit stays open 30 s.
     */
    public static OpenAiEmbeddingOptions defaultsFor(String provider) {
        return new OpenAiEmbeddingOptions(EmbeddingSettings.OPENAI.equals(provider) ? 2048 : 256, 250_000, 5,
                Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(30));
    }

    public OpenAiEmbeddingOptions withMaxBatchSize(int maxBatchSize) {
        return new OpenAiEmbeddingOptions(maxBatchSize, maxBatchTokens, maxAttempts, requestTimeout,
                backoffBase, backoffCap, maxRetryAfter, circuitOpenDuration);
    }

    public OpenAiEmbeddingOptions withMaxAttempts(int maxAttempts) {
        return new OpenAiEmbeddingOptions(maxBatchSize, maxBatchTokens, maxAttempts, requestTimeout,
                backoffBase, backoffCap, maxRetryAfter, circuitOpenDuration);
    }

    public OpenAiEmbeddingOptions withRequestTimeout(Duration requestTimeout) {
        return new OpenAiEmbeddingOptions(maxBatchSize, maxBatchTokens, maxAttempts, requestTimeout,
                backoffBase, backoffCap, maxRetryAfter, circuitOpenDuration);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + duration);
        }
    }
}
