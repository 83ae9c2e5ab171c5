package dev.ragstream.platform.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Adds a building generation with its own HNSW index (cosine, m 16, ef_construction 64), or
     * returns the one already made by that model.
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
        try (Statement st = c.createStatement()) { // numbers only: nothing here comes from outside
            st.execute("CREATE INDEX " + indexName(number) + " ON chunk_vectors USING hnsw ((embedding::vector(" + dimension
                    + ")) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE generation = " + number);
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

    /** Up to {@code limit} chunks without a vector in {@code generation}. */
    public static List<MissingVector> missing(Connection c, int generation, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.document_id, c.version, c.chunk_index, c.heading_path, c.content FROM chunks c
                WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.generation = ? AND v.document_id = c.document_id
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
