package dev.ragstream.query.chat;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.retrieval.HybridRetriever;
import dev.ragstream.query.retrieval.Passage;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /internal/chat}: the seed's chat contract for a tenant the gateway already
 * authenticated (its id arrives in {@code X-Tenant-ID}, trusted only behind the internal secret).
 */
@RestController
class ChatController {

    static final String NO_CONTEXT = "I don't have enough information to answer that question.";
    private static final Logger log = LoggerFactory.getLogger(ChatController.class);

    private final TenantRegistry tenants;
    private final HybridRetriever retriever;
    private final ExtractiveAnswerer answerer;
    private final ChatHistory history;
    private final QueryProperties properties;
    private final TenantMetrics metrics;

    ChatController(TenantRegistry tenants, HybridRetriever retriever, ExtractiveAnswerer answerer, ChatHistory history,
                   QueryProperties properties, TenantMetrics metrics) {
        this.tenants = tenants;
        this.retriever = retriever;
        this.answerer = answerer;
        this.history = history;
        this.properties = properties;
        this.metrics = metrics;
    }

    @PostMapping("/internal/chat")
    Map<String, Object> chat(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId, @RequestBody JsonNode body) {
        long started = System.nanoTime();
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        String sessionId = text(body, "session_id");
        String message = text(body, "message");
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
        try {
            List<Passage> relevant = retriever.retrieve(tenant, message).stream()
                    .filter(p -> p.similarity() >= properties.minSimilarity()).toList();
            Map<String, Object> reply = relevant.isEmpty() ? noContext() : answer(message, relevant);
            long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sources = (List<Map<String, Object>>) reply.get("sources");
            history.record(tenant, sessionId, message, (String) reply.get("response"), sources,
                    (String) reply.get("llm_provider"), latencyMs);
            metrics.count("chat.requests", tenant.id().value(), "context", String.valueOf(reply.get("context_used")));
            metrics.time("chat.duration", tenant.id().value(), Duration.ofMillis(latencyMs));
            return reply;
        } catch (SQLException e) {
            log.error("Tenant {}: chat failed on the database: SQL state {}", tenant.id(), e.getSQLState());
            throw ApiException.databaseUnavailable();
        } catch (EmbeddingException e) {
            log.error("Tenant {}: cannot embed the question: {}", tenant.id(), e.getMessage());
            if (!e.retryable()) {
                throw new ApiException(HttpStatus.BAD_GATEWAY, "embedding-failed",
                        "The embedding provider refused the question, or the tenant's embedding settings are invalid");
            }
            int seconds = e.retryAfter() == null ? 5 : (int) Math.max(1, Math.min(300, e.retryAfter().toSeconds()));
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "embedding-unavailable",
                    "The embedding provider is unavailable; please retry", seconds);
        }
    }

    private Map<String, Object> answer(String message, List<Passage> passages) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("response", answerer.answer(message, passages));
        reply.put("sources", passages.stream().map(ChatController::source).toList());
        reply.put("context_used", true);
        reply.put("llm_provider", ExtractiveAnswerer.PROVIDER);
        return reply;
    }

    private static Map<String, Object> noContext() {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("response", NO_CONTEXT);
        reply.put("sources", List.of());
        reply.put("context_used", false);
        return reply;
    }

    private static Map<String, Object> source(Passage p) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("filename", p.filename());
        source.put("chunk_index", p.chunkIndex());
        source.put("similarity", p.similarity());
        source.put("keyword_score", p.keywordScore());
        source.put("combined_score", p.combinedScore());
        source.put("document_id", p.documentId().toString());
        source.put("heading_path", p.headingPath());
        return source;
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        if (node == null || node.isNull() || !node.isValueNode()) {
            return null;
        }
        String value = node.asString().strip();
        return value.isEmpty() ? null : value;
    }
}
