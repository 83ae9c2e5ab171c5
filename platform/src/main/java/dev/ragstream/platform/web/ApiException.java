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

    public ApiException(HttpStatus status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public static ApiException badRequest(String type, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", message);
    }

    public static ApiException notFound(String type, String message) {
        return new ApiException(HttpStatus.NOT_FOUND, type, message);
    }

    public static ApiException unavailable(String type, String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, type, message);
    }

    public HttpStatus status() {
        return status;
    }

    /** The body of this error. */
    public ProblemDetail toProblem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(Problems.type(type));
        problem.setProperty("error", getMessage());
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
