package dev.ragstream.ingest.conversion;

/**
 * docling-serve did not convert a document. Never leaves this package: {@link RoutingDocumentConverter}
 * converts with Tika instead, so this is neither a retryable nor a permanent pipeline failure.
 * Messages carry status codes and causes, never document text or response bodies.
 */
final class DoclingException extends RuntimeException {

    /** Why; all but {@link #REJECTED} say something about the service and count for its circuit breaker. */
    enum Reason {
        TIMEOUT, UNAVAILABLE, SERVER_ERROR, BAD_RESPONSE,
        /** A verdict on the document (unsupported, no text, failed conversion), not on the service. */
        REJECTED;

        /** The metric tag: {@code timeout}, {@code server_error} … */
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean isServiceFault() {
            return this != REJECTED;
        }
    }

    private final Reason reason;

    DoclingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    DoclingException(Reason reason, String message) {
        this(reason, message, null);
    }

    Reason reason() {
        return reason;
    }
}
