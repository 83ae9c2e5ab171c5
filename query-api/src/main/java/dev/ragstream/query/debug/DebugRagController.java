package dev.ragstream.query.debug;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.retrieval.HybridRetriever;
import dev.ragstream.query.retrieval.MetadataFilter;
import dev.ragstream.query.retrieval.Passage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/debug-rag} (the gateway's {@code /debug-rag}, behind the tenant's admin
 * key): the tenant's documents with their status; with {@code query}, every candidate both
 * searches found, in the final order, with its vector rank, keyword rank and the three scores —
 * what an operator needs to see why an answer used (or missed) a passage. The chat filters
 * ({@link MetadataFilter#NAMES}) may be given as parameters.
 */
@RestController
class DebugRagController {

    private static final Logger log = LoggerFactory.getLogger(DebugRagController.class);
    private static final int MAX_DOCUMENTS = 1000;
    private static final int EXCERPT = 300;

    private final TenantRegistry tenants;
    private final TenantDataSources dataSources;
    private final HybridRetriever retriever;
    private final QueryProperties properties;

    DebugRagController(TenantRegistry tenants, TenantDataSources dataSources, HybridRetriever retriever,
                       QueryProperties properties) {
        this.tenants = tenants;
        this.dataSources = dataSources;
        this.retriever = retriever;
        this.properties = properties;
    }

    @GetMapping("/internal/debug-rag")
    Map<String, Object> debug(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
                              @RequestParam(name = "query", required = false) String query,
                              @RequestParam Map<String, String> parameters) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant.id().value());
        try {
            if (query == null || query.isBlank()) {
                answer.put("counts", counts(tenant));
                answer.put("documents", documents(tenant));
                return answer;
            }
            if (query.length() > properties.maxMessageLength()) {
                throw ApiException.badRequest("message-too-long",
                        "Query too long (maximum " + properties.maxMessageLength() + " characters)");
            }
            Map<String, String> filters = new LinkedHashMap<>();
            MetadataFilter.NAMES.forEach(name -> {
                if (parameters.containsKey(name)) {
                    filters.put(name, parameters.get(name));
                }
            });
            MetadataFilter filter;
            try {
                filter = MetadataFilter.of(filters);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-metadata", e.getMessage());
            }
            HybridRetriever.Candidates candidates = retriever.candidates(tenant, query.strip(), filter);
            answer.put("query", query.strip());
            answer.put("filters", filter.values());
            answer.put("vector_search", candidates.exact() ? "exact" : "hnsw");
            answer.put("embedding", Map.of("generation", candidates.generation().number(),
                    "provider", candidates.generation().provider(), "model", candidates.generation().model(),
                    "dimensions", candidates.generation().dimension()));
            answer.put("top_k", properties.topK());
            answer.put("min_similarity", properties.minSimilarity());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Passage p : candidates.passages()) {
                rows.add(candidate(rows.size() + 1, p));
            }
            answer.put("candidates", rows);
            return answer;
        } catch (SQLException e) {
            log.error("Tenant {}: debug-rag failed on the database: SQL state {}", tenant.id(), e.getSQLState());
            throw ApiException.databaseUnavailable();
        } catch (EmbeddingException e) {
            throw new ApiException(e.retryable() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY,
                    "embedding-failed", "The query could not be embedded: the embedding provider is unavailable or refused it");
        }
    }

    private Map<String, Object> candidate(int rank, Passage p) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rank", rank);
        row.put("document_id", p.documentId().toString());
        row.put("filename", p.filename());
        row.put("chunk_index", p.chunkIndex());
        row.put("heading_path", p.headingPath());
        row.put("vector_rank", p.vectorRank() == 0 ? null : p.vectorRank());
        row.put("keyword_rank", p.keywordRank() == 0 ? null : p.keywordRank());
        row.put("similarity", p.similarity());
        row.put("keyword_score", p.keywordScore());
        row.put("combined_score", p.combinedScore());
        row.put("used", rank <= properties.topK() && p.similarity() >= properties.minSimilarity());
        row.put("excerpt", p.text().length() <= EXCERPT ? p.text() : p.text().substring(0, EXCERPT) + "…");
        return row;
    }

    /** Documents per status, all of them (the list below stops at {@value #MAX_DOCUMENTS}). */
    private Map<String, Long> counts(Tenant tenant) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, count(*) FROM documents WHERE status <> 'deleted' GROUP BY status ORDER BY status");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, Long> counts = new LinkedHashMap<>();
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
                return counts;
            }
        });
    }

    /** The most recently changed documents first, at most {@value #MAX_DOCUMENTS}. */
    private List<Map<String, Object>> documents(Tenant tenant) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, filename, status, reason, version, active_version, chunk_count, updated_at
                    FROM documents WHERE status <> 'deleted' ORDER BY updated_at DESC, filename LIMIT ?""")) {
                ps.setInt(1, MAX_DOCUMENTS);
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("document_id", rs.getObject("id").toString());
                        row.put("filename", rs.getString("filename"));
                        row.put("status", rs.getString("status"));
                        row.put("reason", rs.getString("reason"));
                        row.put("version", rs.getInt("version"));
                        row.put("active_version", rs.getObject("active_version"));
                        row.put("chunk_count", rs.getInt("chunk_count"));
                        Timestamp updated = rs.getTimestamp("updated_at");
                        row.put("updated_at", updated == null ? null : updated.toInstant().toString());
                        rows.add(row);
                    }
                }
                return rows;
            }
        });
    }
}
