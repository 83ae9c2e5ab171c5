package dev.ragstream.testsupport.llm;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request as {@link FakeLlmServer} received it, recorded before it was answered.
 *
 * @param api     {@code "openai"} for {@code POST /v1/chat/completions}, {@code "anthropic"} for
 *                {@code POST /v1/messages}, null for any other request (answered 404)
 * @param path    the request path, e.g. {@code /v1/chat/completions}
 * @param headers the request headers, names lower-cased
 * @param body    the request body as JSON; a missing node if it was empty or not JSON
 */
public record RecordedLlmRequest(String api, String path, Map<String, List<String>> headers, JsonNode body) {

    public RecordedLlmRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body's {@code model}, or null. */
    public String model() {
        JsonNode model = body.path("model");
        return model.isString() ? model.asString() : null;
    }

    /** Whether the request asked for a stream ({@code "stream": true}). */
    public boolean stream() {
        JsonNode stream = body.path("stream");
        return stream.isBoolean() && stream.booleanValue();
    }

    /**
     * The system prompt, or null if there is none: for OpenAI the content of the messages with role
     * {@code system} (or {@code developer}), for Anthropic the top-level {@code system} field; text
     * blocks and several messages are joined with newlines.
     */
    public String systemPrompt() {
        if ("anthropic".equals(api)) {
            JsonNode system = body.path("system");
            return system.isMissingNode() || system.isNull() ? null : text(system);
        }
        List<String> prompts = new ArrayList<>();
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").isString() ? message.path("role").asString() : "";
            if (role.equals("system") || role.equals("developer")) {
                prompts.add(text(message.path("content")));
            }
        }
        return prompts.isEmpty() ? null : String.join("\n", prompts);
    }

    /** The text of the last message with role {@code user} (its text blocks joined with newlines), or null. */
    public String lastUserMessage() {
        String last = null;
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").isString() && message.path("role").asString().equals("user")) {
                last = text(message.path("content"));
            }
        }
        return last;
    }

    /** The texts of all messages and the system prompt, in order, each content form flattened to text. */
    List<String> texts() {
        List<String> texts = new ArrayList<>();
        if ("anthropic".equals(api) && !body.path("system").isMissingNode()) {
            texts.add(text(body.path("system")));
        }
        for (JsonNode message : body.path("messages")) {
            texts.add(text(message.path("content")));
        }
        return texts;
    }

    /** A content field as text: a string as it is, an array's text parts (strings or {@code {"text":…}} blocks) joined with newlines. */
    static String text(JsonNode content) {
        if (content.isString()) {
            return content.asString();
        }
        List<String> parts = new ArrayList<>();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isString()) {
                    parts.add(part.asString());
                } else if (part.path("text").isString()) {
                    parts.add(part.path("text").asString());
                }
            }
        }
        return String.join("\n", parts);
    }
}
