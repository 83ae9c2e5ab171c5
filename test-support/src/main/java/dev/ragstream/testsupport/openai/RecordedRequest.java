package dev.ragstream.testsupport.openai;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as {@link FakeOpenAiEmbeddingsServer} received it, recorded before it was answered.
 *
 * @param receivedAt when the request arrived
 * @param method     the HTTP method
 * @param path       the request path, e.g. {@code /v1/embeddings}
 * @param headers    the request headers, names lower-cased
 * @param body       the request body as UTF-8 text
 * @param model      the body's {@code model}, or null if absent or the body is not JSON
 * @param input      the body's {@code input} as a list (one element for a single string), or an
 *                   empty list if absent or not strings
 * @param dimensions the body's {@code dimensions}, or null if absent
 */
public record RecordedRequest(Instant receivedAt, String method, String path, Map<String, List<String>> headers,
                              String body, String model, List<String> input, Integer dimensions) {

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** How many texts the request asked to embed. */
    public int batchSize() {
        return input.size();
    }
}
