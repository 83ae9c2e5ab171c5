package dev.ragstream.query.llm;

/** The provider refused the request for good (bad key, unknown model, invalid request): retrying will not help. */
public final class LlmRefusedException extends Exception {

    LlmRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
