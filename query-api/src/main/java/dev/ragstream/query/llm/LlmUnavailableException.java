package dev.ragstream.query.llm;

import java.time.Duration;

/**
 * The tenant's language model cannot answer now: it kept answering 429, 5xx or timing out, its
 * circuit breaker is open, or it failed after part of the answer was delivered ({@link #partial()}).
 */
public final class LlmUnavailableException extends Exception {

    private final Duration retryAfter;
    private final String partial;

    LlmUnavailableException(String message, Duration retryAfter, String partial, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.partial = partial;
    }

    /** When a retry may succeed. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The text delivered before the failure, empty when none was. */
    public String partial() {
        return partial;
    }
}
