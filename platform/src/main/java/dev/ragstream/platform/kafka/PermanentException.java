package dev.ragstream.platform.kafka;

/**
 * A failure that will not pass by retrying (unsupported type, corrupt input, over a limit):
 * the record goes to the dead-letter topic at once and the document is marked failed with
 * {@link #reason()}.
 */
public class PermanentException extends RuntimeException {

    private final String reason;

    /** @param reason a short stable code such as {@code unsupported_type}, shown to users */
    public PermanentException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public PermanentException(String reason, String message) {
        this(reason, message, null);
    }

    public String reason() {
        return reason;
    }
}
