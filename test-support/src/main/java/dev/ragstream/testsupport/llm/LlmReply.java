package dev.ragstream.testsupport.llm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link FakeLlmServer} answers one scripted request, in the wire format of the API that was
 * called: after {@code delay}, either an answer with {@code text} (streamed if the request asked
 * for a stream), an error {@code status} with {@code text} as the API's error message, or, when
 * {@code broken}, a stream of {@code text} that stops without its final events. Built with the
 * static factories.
 *
 * @param delay   how long the server waits before answering; never null
 * @param status  200 for an answer, otherwise the HTTP error status (400 to 599)
 * @param text    the answer, the part of it sent before the connection breaks, or the error message
 * @param broken  whether the connection is dropped after {@code text} instead of finishing the answer
 * @param headers extra response headers, e.g. {@code Retry-After}; never null
 */
public record LlmReply(Duration delay, int status, String text, boolean broken, Map<String, String> headers) {

    public LlmReply {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(text, "text");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        if (status != 200 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status must be 200 or an error status 400..599, not " + status);
        }
        if (broken && status != 200) {
            throw new IllegalArgumentException("only an answer can break off, not an error " + status);
        }
        headers = Map.copyOf(headers);
    }

    /** Answers {@code text}: one JSON message, or streamed token by token if the request asks for a stream. */
    public static LlmReply text(String text) {
        return new LlmReply(Duration.ZERO, 200, text, false, Map.of());
    }

    /**
     * Answers {@code status} with the called API's own error body and {@code message}: OpenAI's
     * {@code {"error":{"message":…,"type":…,"code":…}}} or Anthropic's
     * {@code {"type":"error","error":{"type":…,"message":…}}}, with an error type that fits the status
     * (e.g. {@code rate_limit_exceeded} / {@code rate_limit_error} for 429, {@code overloaded_error}
     * for Anthropic's 529).
     */
    public static LlmReply error(int status, String message) {
        if (status < 400) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return new LlmReply(Duration.ZERO, status, message, false, Map.of());
    }

    /**
     * A provider failing mid-answer: a streaming request gets the stream's opening events and the
     * tokens of {@code partialText}, then, half a second later (so that the client has read them), the
     * connection is closed abruptly, without the final
     * events ({@code finish_reason} and {@code [DONE]}, or {@code message_delta} and
     * {@code message_stop}). A non-streaming request has its connection closed without an answer.
     */
    public static LlmReply brokenAfter(String partialText) {
        return new LlmReply(Duration.ZERO, 200, partialText, true, Map.of());
    }

    /** Answers {@code text} after {@code delay}; a delay longer than the client's timeout makes it time out. */
    public static LlmReply delayed(Duration delay, String text) {
        return new LlmReply(delay, 200, text, false, Map.of());
    }

    /** This reply with one more response header, e.g. {@code Retry-After} on a 429. */
    public LlmReply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new LlmReply(delay, status, text, broken, more);
    }

    boolean isError() {
        return status != 200;
    }
}
