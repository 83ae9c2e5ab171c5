package dev.ragstream.query.retrieval;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.embedding.EmbeddingModel;
import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.embedding.PgVectorLiteral;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.index.TextSearchLanguage;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Finds the passages of one tenant's active index that best match a question, the question
 * embedded by the model of the tenant's active embedding generation: the nearest neighbours by
 * cosine (HNSW, iterative scan so that the join to active documents still yields a
 * full list; a document's active version keeps answering while a new version is being indexed) and
 * the best full-text matches (candidates capped before ranking), fused with weighted reciprocal
 * rank fusion (k = 60, see {@link #fuse}). Reads only through the tenant's own pool.
 */
@Component
public class HybridRetriever {

    private static final int RRF_K = 60;

    private final TenantDataSources dataSources;
    private final EmbeddingModels models;
    private final QueryProperties properties;

    public HybridRetriever(TenantDataSources dataSources, EmbeddingModels models, QueryProperties properties) {
        this.dataSources = dataSources;
        this.models = models;
        this.properties = properties;
    }

    /**
     * The top passages for {@code question}, best first.
     * @throws SQLException when the tenant's database fails
     * @throws EmbeddingException when the question cannot be embedded (provider down, refusing, or misconfigured)
     */
    public List<Passage> retrieve(Tenant tenant, String question, MetadataFilter filter) throws SQLException {
        List<Passage> ranked = candidates(tenant, question, filter).passages();
        return ranked.subList(0, Math.min(properties.topK(), ranked.size()));
    }

    /**
     * Every candidate of both lists for {@code question} among the documents {@code filter} lets
     * through, in the fused order, with the generation (model) that searched. A filter leaving at
     * most {@link QueryProperties#exactScanBelow()} chunks is searched exactly (every vector
     * compared; an index scan would visit mostly rows the filter drops); otherwise the HNSW scan
     * iterates until the filtered list is full.
     * @throws SQLException when the tenant's database fails
     * @throws EmbeddingException when the question cannot be embedded (provider down, refusing, or misconfigured)
     */
    public Candidates candidates(Tenant tenant, String question, MetadataFilter filter) throws SQLException {
        Generation generation = dataSources.inTransaction(tenant, c -> IndexGenerations.active(c)
                .orElseThrow(() -> new SQLException("the tenant's ragdb has no active embedding generation")));
        EmbeddingModel model;
        try {
            model = models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(), generation.dimensions(), tenant::get));
        } catch (IllegalArgumentException e) {
            throw new EmbeddingException("the tenant's embedding settings are invalid: " + e.getMessage(), false, null, e);
        }
        String vector = PgVectorLiteral.of(model.embedAll(List.of(question)).get(0));
        return dataSources.inTransaction(tenant, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL hnsw.ef_search = " + properties.efSearch());
                st.execute("SET LOCAL hnsw.iterative_scan = relaxed_order");
            }
            Map<String, Hit> hits = new LinkedHashMap<>();
            boolean exact = !filter.isEmpty() && filteredChunks(c, filter) <= properties.exactScanBelow();
            nearest(c, generation, vector, filter, exact, hits);
            keyword(c, generation, TextSearchLanguage.of(tenant), question, vector, filter, hits);
            return new Candidates(generation, exact, fuse(hits));
        });
    }

    /**
     * The candidates of one question, best first, the generation whose vectors were searched, and
     * whether they were searched exactly (a selective filter) or through the HNSW index.
     */
    public record Candidates(Generation generation, boolean exact, List<Passage> passages) {
    }

    /** How many chunks the active versions of the filtered documents have. */
    private static long filteredChunks(Connection c, MetadataFilter filter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(d.chunk_count), 0) FROM documents d"
                + " WHERE d.status <> 'deleted' AND d.active_version IS NOT NULL" + filter.sql())) {
            filter.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The distance to the question in {@code generation}'s vectors, written as its index is built:
     * generation and dimension are literals (numbers from the database), so the planner can use the
     * generation's partial index.
     */
    private static String distance(String alias, Generation generation) {
        return "(" + alias + ".embedding::" + generation.vectorType() + " <=> ?::" + generation.vectorType() + ")";
    }

    private void nearest(Connection c, Generation generation, String vector, MetadataFilter filter, boolean exact,
                         Map<String, Hit> hits) throws SQLException {
        // vectors and documents only, ordered by distance; the 20 nearest then fetch their text. Exact: the
        // filtered rows are materialised first, so no index can order them; otherwise the iterative scan in
        // relaxed order may hand rows over slightly out of order: sorted again, exactly
        String scope = exact ? """
                WITH scope AS MATERIALIZED (
                    SELECT v.document_id, v.version, v.chunk_index, v.embedding, d.filename FROM chunk_vectors v
                    JOIN documents d ON d.id = v.document_id AND d.active_version = v.version
                    WHERE v.generation = %2$d AND d.status <> 'deleted'%3$s),
                nearest AS MATERIALIZED (
                    SELECT v.document_id, v.version, v.chunk_index, v.filename, 1 - %1$s AS similarity
                    FROM scope v
                    ORDER BY %1$s
                    LIMIT ?)""" : """
                WITH nearest AS MATERIALIZED (
                    SELECT v.document_id, v.version, v.chunk_index, d.filename, 1 - %1$s AS similarity
                    FROM chunk_vectors v
                    JOIN documents d ON d.id = v.document_id AND d.active_version = v.version
                    WHERE v.generation = %2$d AND d.status <> 'deleted'%3$s
                    ORDER BY %1$s
                    LIMIT ?)""";
        try (PreparedStatement ps = c.prepareStatement((scope + """

                SELECT n.document_id, n.filename, n.chunk_index, c.content, c.heading_path, n.similarity
                FROM nearest n
                JOIN chunks c ON c.document_id = n.document_id AND c.version = n.version AND c.chunk_index = n.chunk_index
                ORDER BY n.similarity DESC, n.document_id, n.chunk_index""")
                .formatted(distance("v", generation), generation.number(), filter.sql()))) {
            int i = 1;
            if (exact) {
                i = filter.bind(ps, i);
                ps.setString(i++, vector);
                ps.setString(i++, vector);
            } else {
                ps.setString(i++, vector);
                i = filter.bind(ps, i);
                ps.setString(i++, vector);
            }
            ps.setInt(i, properties.candidates());
            try (ResultSet rs = ps.executeQuery()) {
                for (int rank = 1; rs.next(); rank++) {
                    Hit hit = hit(rs, hits);
                    hit.similarity = rs.getDouble("similarity");
                    hit.vectorRank = rank;
                }
            }
        }
    }

    /**
     * Any of the question's words may match (a chat question is no boolean query); ranking only on
     * capped candidates. Full-text ranks tie often (cover density of a few shared words): ties go to
     * the chunk closer in meaning, so the order is the same on every run.
     */
    private void keyword(Connection c, Generation generation, String language, String question, String vector,
                         MetadataFilter filter, Map<String, Hit> hits) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                WITH q AS (SELECT replace(websearch_to_tsquery(?::regconfig, ?)::text, ' & ', ' | ') AS text),
                     query AS (SELECT to_tsquery(?::regconfig, text) AS tsq FROM q WHERE text <> ''),
                     candidates AS (
                         SELECT c.document_id, c.version, c.chunk_index, c.content_tsv
                         FROM chunks c %3$s, query WHERE c.content_tsv @@ query.tsq%4$s LIMIT ?),
                     ranked AS MATERIALIZED (
                         SELECT k.document_id, k.version, k.chunk_index, d.filename,
                                ts_rank_cd(k.content_tsv, query.tsq, 32) AS keyword_score, coalesce(1 - %1$s, 0) AS similarity
                         FROM candidates k JOIN documents d ON d.id = k.document_id AND d.active_version = k.version
                              LEFT JOIN chunk_vectors v ON v.generation = %2$d AND v.document_id = k.document_id
                                                       AND v.version = k.version AND v.chunk_index = k.chunk_index, query
                         WHERE d.status <> 'deleted'
                         ORDER BY keyword_score DESC, similarity DESC, k.document_id, k.chunk_index
                         LIMIT ?)
                SELECT r.document_id, r.filename, r.chunk_index, c.content, c.heading_path, r.keyword_score, r.similarity
                FROM ranked r
                JOIN chunks c ON c.document_id = r.document_id AND c.version = r.version AND c.chunk_index = r.chunk_index
                ORDER BY r.keyword_score DESC, r.similarity DESC, r.document_id, r.chunk_index
                """.formatted(distance("v", generation), generation.number(),
                filter.isEmpty() ? "" : "JOIN documents d ON d.id = c.document_id AND d.active_version = c.version",
                filter.sql()))) {
            ps.setString(1, language);
            ps.setString(2, question);
            ps.setString(3, language);
            int i = filter.bind(ps, 4);
            ps.setInt(i++, properties.keywordCandidates());
            ps.setString(i++, vector);
            ps.setInt(i, properties.candidates());
            try (ResultSet rs = ps.executeQuery()) {
                for (int rank = 1; rs.next(); rank++) {
                    Hit hit = hit(rs, hits);
                    hit.keywordScore = rs.getDouble("keyword_score");
                    hit.similarity = rs.getDouble("similarity");
                    hit.keywordRank = rank;
                }
            }
        }
    }

    /**
     * Weighted reciprocal rank fusion: the vector list counts 1, the keyword list
     * {@link QueryProperties#keywordWeight()} (0.5 by default: on the labelled set in
     * {@code samples/quality}, keyword search alone ranks far worse than vectors, 0.84 against 0.94
     * nDCG@10, so it refines the order rather than competing for it; with equal weights hybrid fell
     * below vectors alone).
     */
    private List<Passage> fuse(Map<String, Hit> hits) {
        double keywordWeight = properties.keywordWeight();
        double best = (1 + keywordWeight) / (RRF_K + 1);
        List<Passage> fused = new ArrayList<>();
        for (Hit h : hits.values()) {
            double rrf = (h.vectorRank > 0 ? 1.0 / (RRF_K + h.vectorRank) : 0)
                    + (h.keywordRank > 0 ? keywordWeight / (RRF_K + h.keywordRank) : 0);
            fused.add(new Passage(h.documentId, h.filename, h.chunkIndex, h.text, h.headingPath,
                    round(h.similarity), round(h.keywordScore), round(rrf / best), h.vectorRank, h.keywordRank));
        }
        fused.sort(Comparator.comparingDouble(Passage::combinedScore).reversed()
                .thenComparing(Comparator.comparingDouble(Passage::similarity).reversed()));
        return fused;
    }

    private static Hit hit(ResultSet rs, Map<String, Hit> hits) throws SQLException {
        UUID documentId = rs.getObject("document_id", UUID.class);
        int chunkIndex = rs.getInt("chunk_index");
        String key = documentId + "#" + chunkIndex;
        Hit hit = hits.get(key);
        if (hit == null) {
            hit = new Hit(documentId, rs.getString("filename"), chunkIndex, rs.getString("content"), rs.getString("heading_path"));
            hits.put(key, hit);
        }
        return hit;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** A candidate from one or both lists. */
    private static final class Hit {
        final UUID documentId;
        final String filename;
        final int chunkIndex;
        final String text;
        final String headingPath;
        double similarity;
        double keywordScore;
        int vectorRank;
        int keywordRank;

        Hit(UUID documentId, String filename, int chunkIndex, String text, String headingPath) {
            this.documentId = documentId;
            this.filename = filename;
            this.chunkIndex = chunkIndex;
            this.text = text;
            this.headingPath = headingPath;
        }
    }
}
