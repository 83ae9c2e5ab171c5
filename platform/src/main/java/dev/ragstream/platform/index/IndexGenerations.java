package dev.ragstream.platform.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The embedding generations of one tenant's ragdb (table {@code embedding_generations}, vectors in
 * {@code chunk_vectors}). A generation is {@code building} (being filled, never used by queries
 * yet), {@code active} (the one queries use; exactly one) or {@code retired} (used before; kept
 * complete so that a switch can be rolled back, until it is dropped). Every generation that exists
 * receives the vectors of new chunks. Works on the caller's connection and transaction.
 */
public final class IndexGenerations {

    private static final String COLUMNS =
            "generation, provider, model, dimensions, dimension, active, activated_at IS NOT NULL, created_at";

    private IndexGenerations() {
    }

    /**
     * One generation.
     * @param dimensions the {@code dimensions} asked of the provider, null when its default
     * @param dimension  the length of its vectors
     * @param state      {@code building}, {@code active} or {@code retired}
     * @param createdAt  when it began
     */
    public record Generation(int number, String provider, String model, Integer dimensions, int dimension, String state,
                             Instant createdAt) {

        /** The SQL type its vectors are cast to, as its index was built: e.g. {@code vector(384)}. */
        public String vectorType() {
            return "vector(" + dimension + ")";
        }

        public boolean active() {
            return "active".equals(state);
        }

        /** True when it was made by this provider and model (and dimensions request). */
        public boolean madeBy(String provider, String model, Integer dimensions) {
            return this.provider.equals(provider) && this.model.equals(model) && Objects.equals(this.dimensions, dimensions);
        }
    }

    /** A chunk that has no vector in some generation yet, with the text its vector is made of. */
    public record MissingVector(UUID documentId, int version, int chunkIndex, String text) {
    }

    /** The text a chunk's vector is made of: its heading path above its text, so a passage is found by its section too. */
    public static String embeddedText(String headingPath, String text) {
        return headingPath == null ? text : headingPath + "\n" + text;
    }

    /**
     * Takes the transaction's lock on the generations: they change (begin, switch, drop) under the
     * exclusive lock, vectors are written under the shared one, so a write that embedded for the
     * generations it saw never commits after one began or switched without it.
     */
    public static void lock(Connection c, boolean exclusive) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock" + (exclusive ? "" : "_shared") + "(hashtextextended('embedding_generations', 0))");
        }
    }

    /** The generation queries use; empty only in a database that never had one. */
    public static Optional<Generation> active(Connection c) throws SQLException {
        return select(c, "WHERE active").stream().findFirst();
    }

    /** Every generation, which all receive new vectors: the active one first, then those being built, then retired ones. */
    public static List<Generation> live(Connection c) throws SQLException {
        return select(c, "ORDER BY active DESC, activated_at IS NOT NULL, generation DESC");
    }

    /** Where a generation's HNSW index stands. */
    public enum IndexState {
        /** not there (yet): queries of this generation scan its vectors exactly */
        NONE,
        /** being built concurrently, or a build that failed and left an invalid index behind */
        BUILDING,
        READY
    }

    /**
     * Adds a building generation, or returns the one already made by that model. It has no HNSW
     * index yet: its vectors are loaded first and the index is then built in one go
     * ({@link #buildIndex}), which is much faster than growing it vector by vector.
     */
    public static Generation create(Connection c, String provider, String model, Integer dimensions, int dimension)
            throws SQLException {
        if (dimension < 1 || dimension > 16_000) {
            throw new IllegalArgumentException("a vector dimension must be between 1 and 16000, not " + dimension);
        }
        for (Generation existing : live(c)) {
            if (existing.madeBy(provider, model, dimensions)) {
                return existing;
            }
        }
        int number;
        Instant createdAt;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO embedding_generations (generation, provider, model, dimensions, dimension, active)
                SELECT coalesce(max(generation), 0) + 1, ?, ?, ?, ?, false FROM embedding_generations
                RETURNING generation, created_at""")) {
            ps.setString(1, provider);
            ps.setString(2, model);
            ps.setObject(3, dimensions);
            ps.setInt(4, dimension);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                number = rs.getInt(1);
                createdAt = rs.getTimestamp(2).toInstant();
            }
        }
        return new Generation(number, provider, model, dimensions, dimension, "building", createdAt);
    }

    /** Makes {@code generation} the one queries use, retiring the one that was; both in the caller's transaction. */
    public static void activate(Connection c, int generation) throws SQLException {
        try (PreparedStatement retire = c.prepareStatement(
                "UPDATE embedding_generations SET active = false, retired_at = now() WHERE active AND generation <> ?");
             PreparedStatement activate = c.prepareStatement("""
                     UPDATE embedding_generations SET active = true, activated_at = coalesce(activated_at, now()), retired_at = NULL
                     WHERE generation = ?""")) {
            retire.setInt(1, generation);
            retire.executeUpdate();
            activate.setInt(1, generation);
            if (activate.executeUpdate() != 1) {
                throw new IllegalArgumentException("There is no embedding generation " + generation);
            }
        }
    }

    /** Deletes a generation that is not active, with its vectors and its index. */
    public static void drop(Connection c, int generation) throws SQLException {
        Generation dropped = select(c, "WHERE generation = " + generation).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("There is no embedding generation " + generation));
        if (dropped.active()) {
            throw new IllegalArgumentException("Embedding generation " + generation + " is active; activate another one first");
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP INDEX IF EXISTS " + indexName(generation));
            st.executeUpdate("DELETE FROM embedding_generations WHERE generation = " + generation);
        }
    }

    /** Where the generation's index stands. */
    public static IndexState indexState(Connection c, int generation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.indisvalid FROM pg_class r JOIN pg_index i ON i.indexrelid = r.oid
                WHERE r.relname = ? AND r.relnamespace = current_schema()::regnamespace""")) {
            ps.setString(1, indexName(generation));
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() ? IndexState.NONE : rs.getBoolean(1) ? IndexState.READY : IndexState.BUILDING;
            }
        }
    }

    /**
     * How far the build of the generation's index is, as PostgreSQL reports it to the role that
     * runs it (the tenant's own): its phase and the blocks or tuples done of the total; empty when
     * no build is running.
     */
    public static Optional<Map<String, Object>> indexProgress(Connection c, int generation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
                FROM pg_stat_progress_create_index p JOIN pg_class r ON r.oid = p.index_relid WHERE r.relname = ?""")) {
            ps.setString(1, indexName(generation));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> progress = new LinkedHashMap<>();
                progress.put("phase", rs.getString(1));
                progress.put("blocks_done", rs.getLong(2));
                progress.put("blocks_total", rs.getLong(3));
                progress.put("tuples_done", rs.getLong(4));
                progress.put("tuples_total", rs.getLong(5));
                return Optional.of(progress);
            }
        }
    }

    /**
     * Builds the generation's HNSW index (cosine, m 16, ef_construction 64) over the vectors it
     * has, with {@code CREATE INDEX CONCURRENTLY}: vectors keep being written meanwhile. The build's
     * memory is sized for its graph to fit (about 1.5 × the vectors and their links; 64 MB to 1 GB),
     * and it runs in one process, so the other tenants keep the rest of the cores.
     * A build that failed before (an invalid index left behind) is dropped and started over. Runs
     * on {@code c} in autocommit mode (a concurrent build cannot run in a transaction) and blocks
     * until the index is ready, then refreshes the planner's statistics of the loaded tables and
     * merges the full-text index's pending entries;
     * returns at once when another session is building it already.
     * @return where the index stands now: {@code READY}, or {@code BUILDING} by another session
     */
    public static IndexState buildIndex(Connection c, Generation generation) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) { // numbers only: nothing here comes from outside
            long vectors;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM chunk_vectors WHERE generation = " + generation.number())) {
                rs.next();
                vectors = rs.getLong(1);
            }
            long bytes = (long) (1.5 * vectors * (generation.dimension() * 4L + 16 * 2 * 8 + 64));
            long megabytes = Math.max(64, Math.min(1024, bytes / (1024 * 1024) + 1));
            st.execute("SET maintenance_work_mem = '" + megabytes + "MB'");
            // one process: a parallel build took both cores of a 2-core machine from the other tenants' loads and queries
            st.execute("SET max_parallel_maintenance_workers = 0");
            if (indexState(c, generation.number()) == IndexState.BUILDING && indexProgress(c, generation.number()).isEmpty()) {
                st.execute("DROP INDEX CONCURRENTLY IF EXISTS " + indexName(generation.number()));
            }
            st.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + indexName(generation.number())
                    + " ON chunk_vectors USING hnsw ((embedding::vector(" + generation.dimension()
                    + ")) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE generation = " + generation.number());
            st.execute("RESET maintenance_work_mem");
            st.execute("RESET max_parallel_maintenance_workers");
            // a load this large has outgrown the planner's statistics: without fresh ones it joins all rows
            // before it orders them by distance instead of walking the new index (autovacuum would take a minute)
            st.execute("ANALYZE documents, chunks, chunk_vectors");
            // and full-text search would read the chunks' unmerged index entries on every query
            st.execute("SELECT gin_clean_pending_list('chunks_content_tsv_idx')");
            return indexState(c, generation.number());
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Up to {@code limit} chunks without a vector in {@code generation}. */
    public static List<MissingVector> missing(Connection c, int generation, int limit) throws SQLException {
        return missing(c, generation, limit, false);
    }

    /**
     * Up to {@code limit} chunks without a vector in {@code generation}; with {@code deferredOnly},
     * only those of documents whose embedding was deferred (status {@code embedding}, reason
     * {@code embedding_deferred}), found through the documents in the pipeline, not all chunks.
     */
    public static List<MissingVector> missing(Connection c, int generation, int limit, boolean deferredOnly)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.document_id, c.version, c.chunk_index, c.heading_path, c.content"
                + (deferredOnly ? """
                 FROM documents d JOIN chunks c ON c.document_id = d.id AND c.version = d.version
                WHERE d.status = 'embedding' AND d.reason = 'embedding_deferred' AND""" : " FROM chunks c WHERE") + """
                 NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.generation = ? AND v.document_id = c.document_id
                                  AND v.version = c.version AND v.chunk_index = c.chunk_index)
                LIMIT ?""")) {
            ps.setInt(1, generation);
            ps.setInt(2, limit);
            List<MissingVector> missing = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.add(new MissingVector(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3),
                            embeddedText(rs.getString(4), rs.getString(5))));
                }
            }
            return missing;
        }
    }

    /** How many chunks have a vector in {@code generation}, and how many chunks there are. */
    public static long[] progress(Connection c, int generation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT (SELECT count(*) FROM chunk_vectors WHERE generation = ?), (SELECT count(*) FROM chunks)")) {
            ps.setInt(1, generation);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static String indexName(int generation) {
        return "chunk_vectors_g" + generation + "_hnsw";
    }

    private static List<Generation> select(Connection c, String rest) throws SQLException {
        List<Generation> found = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM embedding_generations " + rest)) {
            while (rs.next()) {
                String state = rs.getBoolean(6) ? "active" : rs.getBoolean(7) ? "retired" : "building";
                found.add(new Generation(rs.getInt(1), rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                        rs.getInt(5), state, rs.getTimestamp(8).toInstant()));
            }
        }
        return found;
    }
}
