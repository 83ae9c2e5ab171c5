package dev.ragstream.platform.kafka;

/** A failure that may pass on its own (rate limit, timeout, unavailable): retried with backoff. */
public class RetryableException extends RuntimeException {
    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
