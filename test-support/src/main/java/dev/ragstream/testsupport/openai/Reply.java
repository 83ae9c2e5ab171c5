package dev.ragstream.testsupport.openai;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How {@link FakeOpenAiEmbeddingsServer} answers a scripted request: after {@code delay}, either
 * normally (when {@code status} is 200 and {@code body} is null) or with {@code status},
 * {@code headers} and {@code body} verbatim. Built with the static factories.
 *
 * @param delay   how long the server waits before answering; never null
 * @param status  the HTTP status
 * @param headers extra response headers; never null
 * @param body    the JSON body to send instead of embeddings, or null to embed the input normally
 */
public record Reply(Duration delay, int status, Map<String, String> headers, String body) {

    public Reply {
        headers = Map.copyOf(headers);
    }

    /**
     * An error with OpenAI's error body, {@code {"error":{"message":…,"type":…,"code":…}}}, and a
     * type that fits the status: {@code invalid_request_error}, {@code rate_limit_exceeded} or
     * {@code server_error}.
     */
    public static Reply error(int status, String message) {
        return new Reply(Duration.ZERO, status, Map.of(), FakeOpenAiEmbeddingsServer.errorJson(status, message));
    }

    /** A 429 without {@code Retry-After}, as OpenAI sends when a rate limit is hit. */
    public static Reply rateLimited() {
        return error(429, "Rate limit reached for requests. Please try again later.");
    }

    /** A 429 with {@code Retry-After} in whole seconds, rounded up. */
    public static Reply rateLimited(Duration retryAfter) {
        long seconds = (retryAfter.toMillis() + 999) / 1000;
        return rateLimited().withHeader("Retry-After", Long.toString(seconds));
    }

    /** A normal answer, sent after {@code delay}; a delay longer than the client's timeout makes it time out. */
    public static Reply delayed(Duration delay) {
        return new Reply(delay, 200, Map.of(), null);
    }

    /** {@code status} with {@code json} as the body, e.g. a malformed success. */
    public static Reply raw(int status, String json) {
        return new Reply(Duration.ZERO, status, Map.of(), json);
    }

    /** This reply with one more response header, e.g. {@code retry-after-ms} or an HTTP-date {@code Retry-After}. */
    public Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(delay, status, more, body);
    }
}
