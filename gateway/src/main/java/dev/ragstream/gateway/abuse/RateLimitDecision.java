package dev.ragstream.gateway.abuse;

import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;

/**
 * The outcome of one rate-limited request, and the headers that tell the client about it.
 *
 * @param resetEpochSecond when the oldest counted request leaves the window (a slot frees), Unix seconds
 * @param retryAfterSeconds for a denied request: seconds until that happens, at least 1; 0 when allowed
 */
record RateLimitDecision(boolean allowed, int limit, int remaining, long resetEpochSecond, int retryAfterSeconds) {

    /** The decision whose headers a client should see when two limits applied: a denial, else the fewer remaining. */
    static RateLimitDecision tighter(RateLimitDecision a, RateLimitDecision b) {
        if (!a.allowed() || !b.allowed()) {
            return a.allowed() ? b : a;
        }
        return b.remaining() < a.remaining() ? b : a;
    }

    void writeHeaders(HttpServletResponse response) {
        response.setHeader("X-RateLimit-Limit", String.valueOf(limit));
        response.setHeader("X-RateLimit-Remaining", String.valueOf(remaining));
        response.setHeader("X-RateLimit-Reset", String.valueOf(resetEpochSecond));
    }

    /** The seed's 429: {@code {"error": "Rate limit exceeded", "retry_after": N}} with the problem+json fields. */
    ApiException exceeded() {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate-limit-exceeded", "Rate limit exceeded",
                retryAfterSeconds);
    }
}
