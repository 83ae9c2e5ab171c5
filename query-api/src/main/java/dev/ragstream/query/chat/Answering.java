package dev.ragstream.query.chat;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.llm.LlmChat;
import dev.ragstream.query.llm.LlmPrices;
import dev.ragstream.query.llm.LlmRefusedException;
import dev.ragstream.query.llm.LlmSettings;
import dev.ragstream.query.llm.LlmUnavailableException;
import dev.ragstream.query.llm.Turn;
import dev.ragstream.query.retrieval.HybridRetriever;
import dev.ragstream.query.retrieval.MetadataFilter;
import dev.ragstream.query.retrieval.Passage;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Answers one question of a conversation, whatever the API it came through: retrieval (a
 * follow-up first made to stand alone), the relevance gate, then the tenant's language model
 * grounded in the passages — or the extractive answer when it has none. Sources and the answer's
 * pieces are handed out as they are known; foreign links never leave (see {@link AnswerLinks}).
 */
@Component
class Answering {

    static final String NO_CONTEXT = "I don't have enough information to answer that question.";
    private static final Logger log = LoggerFactory.getLogger(Answering.class);

    /**
     * An answer. {@code provider} is null when there was no relevant context, {@code model} null
     * unless a language model answered; {@code failure} is set when the model failed, and then
     * {@code text} is what it had said (empty when nothing) and {@code complete} false.
     */
    record Answer(String text, List<Map<String, Object>> sources, String provider, String model, int inputTokens,
                  int outputTokens, boolean complete, ApiException failure) {
    }

    private final HybridRetriever retriever;
    private final ExtractiveAnswerer extractive;
    private final LlmChat llm;
    private final Prompts prompts;
    private final FollowUps followUps;
    private final AnswerLinks links;
    private final QueryProperties properties;
    private final TenantMetrics metrics;

    Answering(HybridRetriever retriever, ExtractiveAnswerer extractive, LlmChat llm, Prompts prompts, FollowUps followUps,
              AnswerLinks links, QueryProperties properties, TenantMetrics metrics) {
        this.retriever = retriever;
        this.extractive = extractive;
        this.llm = llm;
        this.prompts = prompts;
        this.followUps = followUps;
        this.links = links;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** The tenant's model, empty when it has none. @throws ApiException 502 when its settings are invalid */
    static Optional<LlmSettings> model(Tenant tenant) {
        try {
            return LlmSettings.of(tenant);
        } catch (IllegalArgumentException e) {
            throw misconfigured(e);
        }
    }

    /**
     * @param tone    a widget's tone prompt for the model, null for none
     * @param filter  which documents may answer
     * @param history earlier messages of the conversation, oldest first
     * @throws ApiException when retrieval fails (database, embedding) or the model's settings are invalid — before anything was handed out
     */
    Answer answer(Tenant tenant, Optional<LlmSettings> model, String tone, MetadataFilter filter, List<Turn> history, String question,
                  Consumer<List<Map<String, Object>>> sources, Consumer<String> tokens) {
        LlmPrices prices = model.map(m -> prices(tenant, m)).orElse(null);
        List<Passage> relevant = relevant(tenant, followUps.standalone(tenant, model, history, question), filter);
        List<Map<String, Object>> cited = relevant.stream().map(Answering::source).toList();
        Set<String> origins = model.isPresent() && !relevant.isEmpty() ? origins(tenant) : Set.of();
        sources.accept(cited);
        if (relevant.isEmpty() || model.isEmpty()) {
            String text = relevant.isEmpty() ? NO_CONTEXT : extractive.answer(question, relevant);
            tokens.accept(text);
            return new Answer(text, cited, relevant.isEmpty() ? null : ExtractiveAnswerer.PROVIDER, null, 0, 0, true, null);
        }
        LlmSettings m = model.get();
        AnswerLinks.Guard guard = new AnswerLinks.Guard(origins);
        try {
            LlmChat.Completion completion = llm.chat(m, prompts.system(tenant, tone), history, Prompts.user(relevant, question),
                    piece -> tokens.accept(guard.accept(piece)));
            tokens.accept(guard.finish());
            metrics.add("chat.tokens", tenant.id().value(), completion.inputTokens(), "kind", "input", "provider", m.provider());
            metrics.add("chat.tokens", tenant.id().value(), completion.outputTokens(), "kind", "output", "provider", m.provider());
            metrics.add("chat.cost.usd", tenant.id().value(), prices.cost(completion.inputTokens(), completion.outputTokens()),
                    "provider", m.provider());
            return new Answer(AnswerLinks.clean(completion.text(), origins), cited, m.provider(), m.model(),
                    completion.inputTokens(), completion.outputTokens(), true, null);
        } catch (LlmUnavailableException e) {
            log.warn("Tenant {}: language model unavailable: {}", tenant.id(), e.getMessage());
            metrics.count("chat.llm.failures", tenant.id().value(), "provider", m.provider(), "kind", "unavailable");
            return new Answer(AnswerLinks.clean(e.partial(), origins), cited, m.provider(), m.model(), 0, 0, false,
                    new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "llm-unavailable",
                            "The language model is unavailable; please retry", (int) Math.max(1, e.retryAfter().toSeconds())));
        } catch (LlmRefusedException e) {
            log.error("Tenant {}: the language model refused the request: {}", tenant.id(), e.getMessage());
            metrics.count("chat.llm.failures", tenant.id().value(), "provider", m.provider(), "kind", "refused");
            return new Answer("", cited, m.provider(), m.model(), 0, 0, false, new ApiException(HttpStatus.BAD_GATEWAY,
                    "llm-refused", "The language model provider refused the request; check the tenant's LLM settings (key and model)"));
        }
    }

    private List<Passage> relevant(Tenant tenant, String query, MetadataFilter filter) {
        try {
            return retriever.retrieve(tenant, query, filter).stream().filter(p -> p.similarity() >= properties.minSimilarity()).toList();
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

    private Set<String> origins(Tenant tenant) {
        try {
            return links.origins(tenant);
        } catch (SQLException e) {
            throw databaseUnavailable(tenant, e);
        }
    }

    private static LlmPrices prices(Tenant tenant, LlmSettings model) {
        try {
            return LlmPrices.of(tenant, model);
        } catch (IllegalArgumentException e) {
            throw misconfigured(e);
        }
    }

    private static ApiException misconfigured(IllegalArgumentException e) {
        return new ApiException(HttpStatus.BAD_GATEWAY, "llm-misconfigured", "The tenant's LLM settings are invalid: " + e.getMessage());
    }

    static ApiException databaseUnavailable(Tenant tenant, SQLException e) {
        if (e instanceof java.sql.SQLTransientConnectionException) { // the pool's acquire timeout: busy, not broken
            log.error("Tenant {}: chat found no free connection of the tenant's pool in time (all busy)", tenant.id());
        } else {
            log.error("Tenant {}: chat failed on the database: SQL state {}", tenant.id(), e.getSQLState());
        }
        return ApiException.databaseUnavailable();
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
}
