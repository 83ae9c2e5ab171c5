package dev.ragstream.gateway.abuse;

import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The top-level fields of a chat body the edge needs: {@code tenant_id}, {@code session_id} and the
 * length of {@code message}. A body that is not a JSON object yields none (the controller rejects it).
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
        return new JsonFields(scalar(root.get("tenant_id")), scalar(root.get("session_id")),
                message != null && message.isString()
                        ? OptionalInt.of(message.stringValue().codePointCount(0, message.stringValue().length()))
                        : OptionalInt.empty());
    }

    /** A scalar's text as the controllers read it; null for absent, null or structured values. */
    private static String scalar(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asString();
    }
}
