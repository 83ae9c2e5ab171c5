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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.stereotype.Component;

/**
 * Finds the passages of one tenant's active index that best match a question, the question
 * embedded by the model of the tenant's active embedding generation: the nearest neighbours by
 * cosine (HNSW, iterative scan so that the join to active documents still yields a
 * full list; a document's active version keeps answering while a new version is being indexed) and
 * the best full-text matches (candidates found through the question's rarest words and capped
 * before ranking), fused with weighted reciprocal rank fusion (k = 60, see {@link #fuse}). The
 * question is embedded while the full-text search runs. Reads only through the tenant's own pool,
 * one connection at a time.
 */
@Component
public class HybridRetriever implements AutoCloseable {

    private static final int RRF_K = 60;

    private final TenantDataSources dataSources;
    private final EmbeddingModels models;
    private final QueryProperties properties;
    private final WordFrequencies frequencies = new WordFrequencies();
    /** Embeds questions while their full-text search runs; a thread per question in flight (a provider may be slow). */
    private final ExecutorService embedder = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "question-embedding");
        thread.setDaemon(true);
        return thread;
    });

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
        // two short transactions: none holds a connection while it waits for the embedding (or for another connection)
        record Keyword(Generation generation, Future<float[]> embedded, List<KeywordHit> hits) {
        }
        Keyword keyword = dataSources.inTransaction(tenant, c -> {
            Generation generation = IndexGenerations.active(c)
                    .orElseThrow(() -> new SQLException("the tenant's ragdb has no active embedding generation"));
            Future<float[]> embedded = embed(tenant, generation, question);
            return new Keyword(generation, embedded, keyword(c, tenant, question, filter));
        });
        Generation generation = keyword.generation();
        String vector = PgVectorLiteral.of(embedded(keyword.embedded()));
        return dataSources.inTransaction(tenant, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL hnsw.ef_search = " + properties.efSearch() + "; SET LOCAL hnsw.iterative_scan = relaxed_order");
            }
            boolean exact = !filter.isEmpty() && filteredChunks(c, filter) <= properties.exactScanBelow();
            Map<String, Hit> hits = new LinkedHashMap<>();
            nearest(c, generation, vector, filter, exact, hits);
            keywordOrder(c, generation, vector, keyword.hits(), hits);
            return new Candidates(generation, exact, fuse(hits));
        });
    }

    /** Starts embedding {@code question} with {@code generation}'s model. */
    private Future<float[]> embed(Tenant tenant, Generation generation, String question) {
        EmbeddingModel model;
        try {
            model = models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(), generation.dimensions(), tenant::get));
        } catch (IllegalArgumentException e) {
            throw new EmbeddingException("the tenant's embedding settings are invalid: " + e.getMessage(), false, null, e);
        }
        return embedder.submit(() -> model.embedAll(List.of(question)).get(0));
    }

    private static float[] embedded(Future<float[]> embedding) {
        try {
            return embedding.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) { // EmbeddingException among them
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            embedding.cancel(true);
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while embedding the question", true, null, e);
        }
    }

    @Override
    public void close() {
        embedder.shutdownNow();
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
                    Hit hit = hit(rs, rs.getString("filename"), hits);
                    hit.similarity = rs.getDouble("similarity");
                    hit.vectorRank = rank;
                }
            }
        }
    }

    /** A full-text match before its text and similarity are known. */
    private record KeywordHit(UUID documentId, int version, int chunkIndex, String filename, double score) {
    }

    /**
     * The best full-text matches, ties with the last one included (at most two lists' worth), best
     * first. Any of the question's words may match (a chat question is no boolean query), but the
     * candidates are found through its rarest words only (see {@link WordFrequencies#selective}): a
     * word in a third of all chunks says little about any of them, and would have every question
     * rank thousands of rows. At most {@link QueryProperties#keywordCandidates()} candidates are
     * ranked, by BM25 over all of the question's words: a rare word weighs more than common ones said
     * often (see {@link WordFrequencies.Counts#idf}). A chunk's length is its distinct words, the
     * average length the candidates'; the score is a share of what a chunk repeating every word
     * endlessly would get, so it stays within 0–1. On the labelled set in {@code samples/quality},
     * BM25 lifts keyword-only recall@5 from 0.95 (cover density, {@code ts_rank_cd}, which weighs
     * every word alike) to 0.98 and hybrid nDCG@10 by 0.013 to 0.020.
     */
    private List<KeywordHit> keyword(Connection c, Tenant tenant, String question, MetadataFilter filter) throws SQLException {
        String language = TextSearchLanguage.of(tenant);
        List<String> words = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT unnest(tsvector_to_array(to_tsvector(?::regconfig, ?)))")) {
            ps.setString(1, language);
            ps.setString(2, question);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    words.add(rs.getString(1));
                }
            }
        }
        if (words.isEmpty()) { // stop words only
            return List.of();
        }
        WordFrequencies.Counts counts = frequencies.counts(tenant, c);
        String selective = WordFrequencies.anyOf(WordFrequencies.selective(counts, words, properties.keywordCandidates()));
        // each candidate's length and how often it has each of the question's words (its vector marked A at those
        // words, the rest filtered out: cheaper than unnesting whole vectors); BM25 is computed here
        record Match(UUID documentId, int version, int chunkIndex, String filename, int length, Map<String, Integer> occurrences) {
        }
        Map<String, Match> candidates = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                WITH candidates AS (
                    SELECT c.document_id, c.version, c.chunk_index, c.content_tsv
                    FROM chunks c %1$s WHERE c.content_tsv @@ ?::tsquery%2$s LIMIT ?)
                SELECT k.document_id, k.version, k.chunk_index, d.filename, length(k.content_tsv) AS length, t.lexeme,
                       coalesce(cardinality(t.positions), 1) AS occurrences
                FROM candidates k JOIN documents d ON d.id = k.document_id AND d.active_version = k.version
                     CROSS JOIN LATERAL unnest(ts_filter(setweight(setweight(k.content_tsv, 'D'), 'A', ?::text[]), '{a}')) t
                WHERE d.status <> 'deleted'
                """.formatted(filter.isEmpty() ? "" : "JOIN documents d ON d.id = c.document_id AND d.active_version = c.version",
                filter.sql()))) {
            ps.setString(1, selective);
            int i = filter.bind(ps, 2);
            ps.setInt(i++, properties.keywordCandidates());
            ps.setArray(i, c.createArrayOf("text", words.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Match match = new Match(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                            new HashMap<>());
                    candidates.computeIfAbsent(match.documentId() + "#" + match.version() + "#" + match.chunkIndex(), key -> match)
                            .occurrences().put(rs.getString(6), rs.getInt(7));
                }
            }
        }
        double averageLength = candidates.values().stream().mapToInt(Match::length).average().orElse(1);
        List<KeywordHit> scored = new ArrayList<>();
        for (Match m : candidates.values()) {
            scored.add(new KeywordHit(m.documentId(), m.version(), m.chunkIndex(), m.filename(),
                    counts.bm25(words, m.occurrences(), m.length() / averageLength)));
        }
        return best(scored);
    }

    /**
     * The best {@link QueryProperties#candidates()} matches, ties with the last one included (at
     * most two lists' worth), by score, then file name, chunk and document id.
     */
    private List<KeywordHit> best(List<KeywordHit> scored) {
        List<KeywordHit> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(KeywordHit::score).reversed().thenComparing(KeywordHit::filename)
                .thenComparingInt(KeywordHit::chunkIndex).thenComparing(KeywordHit::documentId));
        int n = Math.min(properties.candidates(), sorted.size());
        while (n > 0 && n < Math.min(2 * properties.candidates(), sorted.size())
                && sorted.get(n).score() == sorted.get(n - 1).score()) {
            n++;
        }
        return List.copyOf(sorted.subList(0, n));
    }

    /**
     * Ranks the full-text matches: by score, ties going to the chunk closer in meaning (chunks of
     * the same length with the same words tie), so the order is the same on every run;
     * the best {@link QueryProperties#candidates()} join the hits with their text and similarity.
     */
    private void keywordOrder(Connection c, Generation generation, String vector, List<KeywordHit> matches,
                              Map<String, Hit> hits) throws SQLException {
        if (matches.isEmpty()) {
            return;
        }
        Map<UUID, String> filenames = new HashMap<>();
        matches.forEach(m -> filenames.put(m.documentId(), m.filename()));
        try (PreparedStatement ps = c.prepareStatement("""
                WITH k AS (SELECT * FROM unnest(?::uuid[], ?::int[], ?::int[], ?::float8[]) AS k(document_id, version, chunk_index, keyword_score)),
                     ordered AS MATERIALIZED (
                         SELECT k.*, d.filename, coalesce(1 - %1$s, 0) AS similarity
                         FROM k JOIN documents d ON d.id = k.document_id
                              LEFT JOIN chunk_vectors v ON v.generation = %2$d AND v.document_id = k.document_id
                                                       AND v.version = k.version AND v.chunk_index = k.chunk_index
                         ORDER BY k.keyword_score DESC, similarity DESC, d.filename, k.chunk_index, k.document_id
                         LIMIT ?)
                SELECT o.document_id, o.chunk_index, c.content, c.heading_path, o.keyword_score, o.similarity
                FROM ordered o
                JOIN chunks c ON c.document_id = o.document_id AND c.version = o.version AND c.chunk_index = o.chunk_index
                ORDER BY o.keyword_score DESC, o.similarity DESC, o.filename, o.chunk_index, o.document_id
                """.formatted(distance("v", generation), generation.number()))) {
            ps.setArray(1, c.createArrayOf("uuid", matches.stream().map(KeywordHit::documentId).toArray()));
            ps.setArray(2, c.createArrayOf("int4", matches.stream().map(KeywordHit::version).toArray()));
            ps.setArray(3, c.createArrayOf("int4", matches.stream().map(KeywordHit::chunkIndex).toArray()));
            ps.setArray(4, c.createArrayOf("float8", matches.stream().map(KeywordHit::score).toArray()));
            ps.setString(5, vector);
            ps.setInt(6, properties.candidates());
            try (ResultSet rs = ps.executeQuery()) {
                for (int rank = 1; rs.next(); rank++) {
                    Hit hit = hit(rs, filenames.get(rs.getObject("document_id", UUID.class)), hits);
                    hit.keywordScore = rs.getDouble("keyword_score");
                    hit.similarity = rs.getDouble("similarity");
                    hit.keywordRank = rank;
                }
            }
        }
    }

    /**
     * Weighted reciprocal rank fusion: the vector list counts 1, the keyword list
     * {@link QueryProperties#keywordWeight()} (0.25 by default: on the labelled set in
     * {@code samples/quality}, keyword search alone ranks far worse than vectors, 0.88 against 0.94
     * nDCG@10, so it refines the order rather than competing for it; with equal weights hybrid fell
     * below vectors alone; of 0.15 to 0.5, 0.25 ranked best for fp32 and no worse than any for int8).
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

    private static Hit hit(ResultSet rs, String filename, Map<String, Hit> hits) throws SQLException {
        UUID documentId = rs.getObject("document_id", UUID.class);
        int chunkIndex = rs.getInt("chunk_index");
        String key = documentId + "#" + chunkIndex;
        Hit hit = hits.get(key);
        if (hit == null) {
            hit = new Hit(documentId, filename, chunkIndex, rs.getString("content"), rs.getString("heading_path"));
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
