package dev.ragstream.query.chat;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.llm.LlmChat;
import dev.ragstream.query.llm.LlmPrices;
import dev.ragstream.query.llm.LlmRefusedException;
import dev.ragstream.query.llm.LlmSettings;
import dev.ragstream.query.llm.LlmUnavailableException;
import dev.ragstream.query.retrieval.HybridRetriever;
import dev.ragstream.query.retrieval.Passage;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /internal/chat}: the seed's chat contract for a tenant the gateway already
 * authenticated (its id arrives in {@code X-Tenant-ID}, trusted only behind the internal secret).
 * The answer comes from the tenant's language model, grounded in the retrieved passages, or — when
 * it has none — is extractive. With {@code "stream": true} or {@code Accept: text/event-stream} it
 * is streamed as server-sent events (see {@link ChatReply}).
 */
@RestController
class ChatController {

    static final String NO_CONTEXT = "I don't have enough information to answer that question.";
    static final String LIMIT_REACHED = "This conversation has reached its maximum length. Click the **+** button in the header"
            + " to start a new conversation.";
    /** Earlier messages of a session that condense a follow-up question and go along to the model. */
    static final int RECENT_MESSAGES = 6;
    static final int DEFAULT_MAX_CONVERSATION_MESSAGES = 50;
    private static final Logger log = LoggerFactory.getLogger(ChatController.class);

    private final TenantRegistry tenants;
    private final HybridRetriever retriever;
    private final ExtractiveAnswerer extractive;
    private final LlmChat llm;
    private final Prompts prompts;
    private final FollowUps followUps;
    private final AnswerLinks links;
    private final ChatHistory history;
    private final QueryProperties properties;
    private final TenantMetrics metrics;
    private final JsonMapper json;

    ChatController(TenantRegistry tenants, HybridRetriever retriever, ExtractiveAnswerer extractive, LlmChat llm,
                   Prompts prompts, FollowUps followUps, AnswerLinks links, ChatHistory history, QueryProperties properties,
                   TenantMetrics metrics, JsonMapper json) {
        this.tenants = tenants;
        this.retriever = retriever;
        this.extractive = extractive;
        this.llm = llm;
        this.prompts = prompts;
        this.followUps = followUps;
        this.links = links;
        this.history = history;
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
    }

    @PostMapping("/internal/chat")
    void chat(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
              @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
              @RequestBody JsonNode body, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        String sessionId = text(body, "session_id");
        String message = text(body, "message");
        validate(sessionId, message);
        boolean stream = body.path("stream").asBoolean(false) || (accept != null && accept.contains("text/event-stream"));
        Optional<LlmSettings> model = llmSettings(tenant);
        ChatReply reply = stream ? ChatReply.events(response, json) : ChatReply.json(response, json);
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
        List<Passage> relevant = relevant(tenant, followUps.standalone(tenant, model, session.recent(), message));
        List<Map<String, Object>> sources = relevant.stream().map(ChatController::source).toList();
        reply.sources(sources);
        try {
            if (relevant.isEmpty() || model.isEmpty()) {
                String answer = relevant.isEmpty() ? NO_CONTEXT : extractive.answer(message, relevant);
                String provider = relevant.isEmpty() ? null : ExtractiveAnswerer.PROVIDER;
                reply.token(answer);
                record(tenant, new ChatHistory.Exchange(sessionId, message, answer, sources, provider, null, 0, 0,
                        millisSince(started), true));
                reply.done(done(answer, sources, provider));
                return;
            }
            answer(tenant, model.get(), session, sessionId, message, relevant, sources, reply, started);
        } catch (ApiException e) {
            reply.fail(e);
        }
    }

    /** The language model's answer, passed on as it arrives with foreign links taken out. */
    private void answer(Tenant tenant, LlmSettings model, ChatHistory.Session session, String sessionId, String message,
                        List<Passage> relevant, List<Map<String, Object>> sources, ChatReply reply, long started) {
        LlmPrices prices = prices(tenant, model);
        Set<String> origins;
        try {
            origins = links.origins(tenant);
        } catch (SQLException e) {
            throw databaseUnavailable(tenant, e);
        }
        AnswerLinks.Guard guard = new AnswerLinks.Guard(origins);
        try {
            LlmChat.Completion completion = llm.chat(model, prompts.system(tenant), session.recent(),
                    Prompts.user(relevant, message), piece -> reply.token(guard.accept(piece)));
            reply.token(guard.finish());
            String answer = AnswerLinks.clean(completion.text(), origins);
            metrics.add("chat.tokens", tenant.id().value(), completion.inputTokens(), "kind", "input", "provider", model.provider());
            metrics.add("chat.tokens", tenant.id().value(), completion.outputTokens(), "kind", "output", "provider", model.provider());
            metrics.add("chat.cost.usd", tenant.id().value(), prices.cost(completion.inputTokens(),
                    completion.outputTokens()), "provider", model.provider());
            record(tenant, new ChatHistory.Exchange(sessionId, message, answer, sources, model.provider(), model.model(),
                    completion.inputTokens(), completion.outputTokens(), millisSince(started), true));
            reply.done(done(answer, sources, model.provider()));
        } catch (LlmUnavailableException e) {
            log.warn("Tenant {}: language model unavailable: {}", tenant.id(), e.getMessage());
            metrics.count("chat.llm.failures", tenant.id().value(), "provider", model.provider(), "kind", "unavailable");
            if (!e.partial().isEmpty()) { // kept for the record, never as a whole answer
                record(tenant, new ChatHistory.Exchange(sessionId, message, AnswerLinks.clean(e.partial(), origins), sources,
                        model.provider(), model.model(), 0, 0, millisSince(started), false));
            }
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "llm-unavailable",
                    "The language model is unavailable; please retry", (int) Math.max(1, e.retryAfter().toSeconds()));
        } catch (LlmRefusedException e) {
            log.error("Tenant {}: the language model refused the request: {}", tenant.id(), e.getMessage());
            metrics.count("chat.llm.failures", tenant.id().value(), "provider", model.provider(), "kind", "refused");
            throw new ApiException(HttpStatus.BAD_GATEWAY, "llm-refused",
                    "The language model provider refused the request; check the tenant's LLM settings (key and model)");
        }
    }

    private ChatHistory.Session session(Tenant tenant, String sessionId) {
        try {
            return history.session(tenant, sessionId, RECENT_MESSAGES);
        } catch (SQLException e) {
            throw databaseUnavailable(tenant, e);
        }
    }

    private static LlmPrices prices(Tenant tenant, LlmSettings model) {
        try {
            return LlmPrices.of(tenant, model);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "llm-misconfigured", "The tenant's LLM settings are invalid: "
                    + e.getMessage());
        }
    }

    private List<Passage> relevant(Tenant tenant, String message) {
        try {
            return retriever.retrieve(tenant, message).stream().filter(p -> p.similarity() >= properties.minSimilarity()).toList();
        } catch (SQLException e) {
            throw databaseUnavailable(tenant, e);
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

    private static Optional<LlmSettings> llmSettings(Tenant tenant) {
        try {
            return LlmSettings.of(tenant);
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "llm-misconfigured", "The tenant's LLM settings are invalid: "
                    + e.getMessage());
        }
    }

    private void record(Tenant tenant, ChatHistory.Exchange exchange) {
        try {
            history.record(tenant, exchange);
        } catch (SQLException e) {
            throw databaseUnavailable(tenant, e);
        }
        metrics.count("chat.requests", tenant.id().value(), "provider", String.valueOf(exchange.provider()),
                "complete", String.valueOf(exchange.complete()));
        metrics.time("chat.duration", tenant.id().value(), Duration.ofMillis(exchange.latencyMs()));
    }

    private static ApiException databaseUnavailable(Tenant tenant, SQLException e) {
        log.error("Tenant {}: chat failed on the database: SQL state {}", tenant.id(), e.getSQLState());
        return ApiException.databaseUnavailable();
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

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
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
