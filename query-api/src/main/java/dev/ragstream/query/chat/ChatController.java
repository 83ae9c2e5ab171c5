package dev.ragstream.query.chat;

import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.llm.LlmSettings;
import dev.ragstream.query.retrieval.MetadataFilter;
import dev.ragstream.query.widget.Widgets;
import jakarta.servlet.http.HttpServletResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /internal/chat}: the seed's chat contract for a tenant the gateway already
 * authenticated (its id arrives in {@code X-Tenant-ID}, trusted only behind the internal secret).
 * Sessions live in the tenant's ragdb: their recent messages go along (see {@link Answering}), and
 * a session at {@code MAX_CONVERSATION_MESSAGES} gets the seed's {@code limit_reached} reply. With
 * {@code "stream": true} or {@code Accept: text/event-stream} the answer is streamed as
 * server-sent events (see {@link ChatReply}).
 */
@RestController
class ChatController {

    static final String LIMIT_REACHED = "This conversation has reached its maximum length. Click the **+** button in the header"
            + " to start a new conversation.";
    /** Earlier messages of a session that condense a follow-up question and go along to the model. */
    static final int RECENT_MESSAGES = 6;
    static final int DEFAULT_MAX_CONVERSATION_MESSAGES = 50;

    private final TenantRegistry tenants;
    private final Answering answering;
    private final ChatHistory history;
    private final QueryProperties properties;
    private final TenantMetrics metrics;
    private final JsonMapper json;
    private final Widgets widgets;

    ChatController(TenantRegistry tenants, Answering answering, ChatHistory history, QueryProperties properties,
                   TenantMetrics metrics, JsonMapper json, Widgets widgets) {
        this.widgets = widgets;
        this.tenants = tenants;
        this.answering = answering;
        this.history = history;
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
    }

    @PostMapping("/internal/chat")
    void chat(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
              @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
              @RequestBody JsonNode body, HttpServletResponse response) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        answer(tenant, null, accept, body, response);
    }

    /**
     * {@code POST /internal/customer-chat}: the customer widget's chat, the same contract as
     * {@code /chat}; {@code widget_key} (default {@value Widgets#DEFAULT_KEY}) selects the widget,
     * whose tone prompt joins the tenant's template.
     */
    @PostMapping("/internal/customer-chat")
    void customerChat(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
                      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
                      @RequestBody JsonNode body, HttpServletResponse response) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        JsonNode key = body == null ? null : body.get("widget_key");
        if (key != null && !key.isNull() && !key.isString()) {
            throw ApiException.badRequest("invalid-widget-key", "widget_key must be a string");
        }
        Widgets.Widget widget = widgets.find(tenant, text(body, "widget_key"));
        answer(tenant, widget.tonePrompt(), accept, body, response);
    }

    /** @param tone the widget's tone prompt, null for none */
    private void answer(Tenant tenant, String tone, String accept, JsonNode body, HttpServletResponse response) {
        long started = System.nanoTime();
        String sessionId = text(body, "session_id");
        String message = text(body, "message");
        validate(sessionId, message);
        MetadataFilter filter;
        try {
            filter = MetadataFilter.of(body.get("metadata"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-metadata", e.getMessage());
        }
        boolean stream = body.path("stream").asBoolean(false) || (accept != null && accept.contains("text/event-stream"));
        Optional<LlmSettings> model = Answering.model(tenant);
        ChatReply reply = stream ? ChatReply.events(response, json) : ChatReply.json(response, json);
        try {
            ChatHistory.Session session = session(tenant, sessionId);
            if (session.messages() >= tenant.getInt("MAX_CONVERSATION_MESSAGES", DEFAULT_MAX_CONVERSATION_MESSAGES)) {
                metrics.count("chat.limit.reached", tenant.id().value());
                reply.sources(List.of());
                reply.token(LIMIT_REACHED);
                Map<String, Object> limited = done(LIMIT_REACHED, List.of(), null);
                limited.put("limit_reached", true);
                reply.done(limited);
                return;
            }
            Answering.Answer answer = answering.answer(tenant, model, tone, filter, session.recent(), message, reply::sources, reply::token);
            if (answer.complete() || !answer.text().isEmpty()) { // a cut-off answer is kept for the record, marked incomplete
                record(tenant, new ChatHistory.Exchange(sessionId, message, answer.text(), answer.sources(), answer.provider(),
                        answer.model(), answer.inputTokens(), answer.outputTokens(), millisSince(started), answer.complete()));
            }
            if (answer.failure() != null) {
                reply.fail(answer.failure());
                return;
            }
            reply.done(done(answer.text(), answer.sources(), answer.provider()));
        } catch (ApiException e) {
            reply.fail(e);
        }
    }

    private ChatHistory.Session session(Tenant tenant, String sessionId) {
        try {
            return history.session(tenant, sessionId, RECENT_MESSAGES);
        } catch (SQLException e) {
            throw Answering.databaseUnavailable(tenant, e);
        }
    }

    private void record(Tenant tenant, ChatHistory.Exchange exchange) {
        try {
            history.record(tenant, exchange);
        } catch (SQLException e) {
            throw Answering.databaseUnavailable(tenant, e);
        }
        metrics.count("chat.requests", tenant.id().value(), "provider", String.valueOf(exchange.provider()),
                "complete", String.valueOf(exchange.complete()));
        metrics.time("chat.duration", tenant.id().value(), Duration.ofMillis(exchange.latencyMs()));
    }

    private void validate(String sessionId, String message) {
        if (sessionId == null) {
            throw ApiException.badRequest("missing-session-id", "Missing session_id");
        }
        if (sessionId.length() > 128) {
            throw ApiException.badRequest("invalid-session-id", "session_id must be at most 128 characters");
        }
        if (message == null) {
            throw ApiException.badRequest("missing-message", "Missing message");
        }
        if (message.length() > properties.maxMessageLength()) {
            throw ApiException.badRequest("message-too-long",
                    "Message too long (maximum " + properties.maxMessageLength() + " characters)");
        }
    }

    /** The seed's answer shape. */
    private static Map<String, Object> done(String answer, List<Map<String, Object>> sources, String provider) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("response", answer);
        reply.put("sources", sources);
        reply.put("context_used", provider != null);
        if (provider != null) {
            reply.put("llm_provider", provider);
        }
        return reply;
    }

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    static String text(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        if (node == null || node.isNull() || !node.isValueNode()) {
            return null;
        }
        String value = node.asString().strip();
        return value.isEmpty() ? null : value;
    }
}
