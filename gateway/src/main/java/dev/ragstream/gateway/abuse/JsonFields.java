package dev.ragstream.gateway.abuse;

import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The top-level fields of a chat body the edge needs: {@code tenant_id}, {@code session_id} and the
 * length of {@code message} — or, in an OpenAI chat completion request, the tenant of a
 * {@code "model": "ragstream:<tenant>"}, the {@code user} and the last message's text. A body that
 * is not a JSON object yields none (the controller rejects it).
 */
record JsonFields(String tenantId, String sessionId, OptionalInt messageLength) {

    static final JsonFields NONE = new JsonFields(null, null, OptionalInt.empty());

    static JsonFields parse(byte[] body) {
        JsonNode root;
        try {
            root = JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            return NONE;
        }
        if (root == null || !root.isObject()) {
            return NONE;
        }
        JsonNode message = root.get("message");
        JsonNode messages = root.get("messages");
        if (message == null && messages != null && messages.isArray() && !messages.isEmpty()) {
            message = messages.get(messages.size() - 1).get("content");
        }
        String tenant = scalar(root.get("tenant_id"));
        String model = scalar(root.get("model"));
        if (tenant == null && model != null && model.startsWith(Route.TENANT_MODEL_PREFIX)) {
            tenant = model.substring(Route.TENANT_MODEL_PREFIX.length());
        }
        String session = scalar(root.get("session_id"));
        return new JsonFields(tenant, session != null ? session : scalar(root.get("user")),
                message != null && message.isString()
                        ? OptionalInt.of(message.stringValue().codePointCount(0, message.stringValue().length()))
                        : OptionalInt.empty());
    }

    /** A scalar's text as the controllers read it; null for absent, null or structured values. */
    private static String scalar(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asString();
    }
}
