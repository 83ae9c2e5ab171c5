package dev.ragstream.platform.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error a client caused (or must be told about), answered as problem+json with a stable
 * {@code type} and the human message in both {@code detail} and {@code error}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final Integer retryAfterSeconds;
    private String challenge;

    public ApiException(HttpStatus status, String type, String message) {
        this(status, type, message, null);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After} (and {@code retry_after}) when not null */
    public ApiException(HttpStatus status, String type, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String type, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", message);
    }

    /** 401 asking for HTTP Basic credentials of {@code realm} ({@code WWW-Authenticate}). */
    public static ApiException basicChallenge(String realm, String message) {
        ApiException e = unauthorized(message);
        e.challenge = "Basic realm=\"" + realm.replace("\"", "") + "\", charset=\"UTF-8\"";
        return e;
    }

    /** The {@code WWW-Authenticate} value, null when none is asked for. */
    public String challenge() {
        return challenge;
    }

    public static ApiException notFound(String type, String message) {
        return new ApiException(HttpStatus.NOT_FOUND, type, message);
    }

    /** 503 with {@code Retry-After: 1}: the condition is expected to pass shortly. */
    public static ApiException unavailable(String type, String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, type, message, 1);
    }

    /** 503 for a tenant database that failed or had no free connection in time. */
    public static ApiException databaseUnavailable() {
        return unavailable("database-unavailable", "The tenant's database is unavailable; please retry");
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    /** The body of this error. */
    public ProblemDetail toProblem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(Problems.type(type));
        problem.setProperty("error", getMessage());
        if (retryAfterSeconds != null) {
            problem.setProperty("retry_after", retryAfterSeconds);
        }
        return problem;
    }

    /** Stable problem type URIs. */
    public static final class Problems {
        private Problems() {
        }

        public static URI type(String slug) {
            return URI.create("https://ragstream.dev/problems/" + slug);
        }
    }
}
