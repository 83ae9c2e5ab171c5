package dev.ragstream.platform.egress;

import java.io.IOException;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * An outbound fetch was refused or did not complete. {@link Reason#code()} is stable, for clients,
 * metrics and error bodies. The message names the scheme, host and port involved; it never carries
 * a path or query (they may hold tokens), a resolved address, or anything the server sent.
 *
 * <p>It is an {@link IOException} because it is also thrown while the caller reads the body (the
 * size cap and the deadline keep applying), so stream copies that clean up on I/O errors clean up.
 */
public final class EgressRefusedException extends IOException {

    /** Why a fetch was refused. */
    public enum Reason {
        INVALID_URL, SCHEME_NOT_ALLOWED, PORT_NOT_ALLOWED, UNRESOLVABLE_HOST, ADDRESS_BLOCKED,
        CONNECTION_FAILED, TOO_MANY_REDIRECTS, TOO_LARGE, DEADLINE_EXCEEDED, HTTP_ERROR, INVALID_RESPONSE;

        /** The stable code, such as {@code address_blocked}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;
    private final int httpStatus;

    EgressRefusedException(Reason reason, String message) {
        this(reason, message, null);
    }

    EgressRefusedException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, -1);
    }

    private EgressRefusedException(Reason reason, String message, Throwable cause, int httpStatus) {
        super(message, cause);
        this.reason = reason;
        this.httpStatus = httpStatus;
    }

    static EgressRefusedException httpError(String origin, int status) {
        return new EgressRefusedException(Reason.HTTP_ERROR, origin + " answered " + status, null, status);
    }

    public Reason reason() {
        return reason;
    }

    /** Shorthand for {@code reason().code()}. */
    public String code() {
        return reason.code();
    }

    /** The final response's status, present only for {@link Reason#HTTP_ERROR}. */
    public OptionalInt httpStatus() {
        return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    /**
     * Whether trying the same URL later may succeed: connection failures, timeouts, names that did
     * not resolve, and 408, 429 and 5xx answers. Everything else is permanent.
     */
    public boolean retryable() {
        return switch (reason) {
            case CONNECTION_FAILED, DEADLINE_EXCEEDED, UNRESOLVABLE_HOST -> true;
            case HTTP_ERROR -> httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
            default -> false;
        };
    }
}
