package dev.ragstream.embedding;

import java.time.Duration;

/**
 * An embedding model could not be loaded or failed while running; the message says which model
 * and step, the cause says why. {@link #retryable()} tells a caller whether the same call may
 * succeed later (a rate limit, an outage) or never will (a rejected request, a broken model), and
 * {@link #retryAfter()} how long the provider asked it to wait.
 */
public class EmbeddingException extends RuntimeException {

    private final boolean retryable;
    private final Duration retryAfter;

    /** A failure that retrying will not cure. */
    public EmbeddingException(String message) {
        this(message, false, null, null);
    }

    /** A failure that retrying will not cure. */
    public EmbeddingException(String message, Throwable cause) {
        this(message, false, null, cause);
    }

    /**
     * @param retryable  whether the same call may succeed later
     * @param retryAfter how long the provider asked to wait before trying again; null if it did not say
     * @param cause      the underlying failure; may be null
     */
    public EmbeddingException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /**
     * True if the same call may succeed later: the provider was rate-limited, failed (5xx), timed
     * out or could not be reached, or its circuit breaker is open. False if the request was
     * rejected (4xx) or the model's answer or the model itself is broken.
     */
    public boolean retryable() {
        return retryable;
    }

    /** How long to wait before trying again, when the provider or circuit breaker said; otherwise null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
