package dev.ragstream.embedding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedding generations of one tenant's ragdb (table {@code embedding_generations}, vectors in
 * {@code chunk_vectors}): which model made the vectors queries use (the active generation) and
 * which new one is being filled (building). Works on the caller's connection and transaction.
 */
public final class IndexGenerations {

    private static final String COLUMNS = "generation, provider, model, dimensions, dimension, active";

    private IndexGenerations() {
    }

    /**
     * One generation.
     * @param dimensions the {@code dimensions} asked of the provider, null when its default
     * @param dimension  the length of its vectors
     */
    public record Generation(int number, String provider, String model, Integer dimensions, int dimension, boolean active) {

        /** The SQL type its vectors are cast to, as its index was built: e.g. {@code vector(384)}. */
        public String vectorType() {
            return "vector(" + dimension + ")";
        }

        /** True when it was made by this provider and model (and dimensions request). */
        public boolean madeBy(String provider, String model, Integer dimensions) {
            return this.provider.equals(provider) && this.model.equals(model) && java.util.Objects.equals(this.dimensions, dimensions);
        }
    }

    /** The generation queries use; empty only in a database that never had one. */
    public static Optional<Generation> active(Connection c) throws SQLException {
        List<Generation> found = select(c, "WHERE active");
        return found.stream().findFirst();
    }

    /** The generations new vectors are written to: the active one first, then any being built. */
    public static List<Generation> live(Connection c) throws SQLException {
        return select(c, "WHERE active OR (activated_at IS NULL AND retired_at IS NULL) ORDER BY active DESC, generation");
    }

    /**
     * Adds a building generation with its own HNSW index (cosine, m 16, ef_construction 64), or
     * returns the live one already made by that model.
     */
    public static Generation create(Connection c, String provider, String model, Integer dimensions, int dimension)
            throws SQLException {
        if (dimension < 1 || dimension > 16_000) {
            throw new IllegalArgumentException("a vector dimension must be between 1 and 16000, not " + dimension);
        }
        for (Generation live : live(c)) {
            if (live.madeBy(provider, model, dimensions)) {
                return live;
            }
        }
        int number;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO embedding_generations (generation, provider, model, dimensions, dimension, active)
                SELECT coalesce(max(generation), 0) + 1, ?, ?, ?, ?, false FROM embedding_generations
                RETURNING generation""")) {
            ps.setString(1, provider);
            ps.setString(2, model);
            ps.setObject(3, dimensions);
            ps.setInt(4, dimension);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                number = rs.getInt(1);
            }
        }
        try (Statement st = c.createStatement()) { // numbers only: nothing here comes from outside
            st.execute("CREATE INDEX chunk_vectors_g" + number + "_hnsw ON chunk_vectors USING hnsw ((embedding::vector("
                    + dimension + ")) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE generation = " + number);
        }
        return new Generation(number, provider, model, dimensions, dimension, false);
    }

    /** Makes {@code generation} the one queries use, retiring the one that was; both in the caller's transaction. */
    public static void activate(Connection c, int generation) throws SQLException {
        try (PreparedStatement retire = c.prepareStatement(
                "UPDATE embedding_generations SET active = false, retired_at = now() WHERE active AND generation <> ?");
             PreparedStatement activate = c.prepareStatement("""
                     UPDATE embedding_generations SET active = true, activated_at = now(), retired_at = NULL
                     WHERE generation = ?""")) {
            retire.setInt(1, generation);
            retire.executeUpdate();
            activate.setInt(1, generation);
            if (activate.executeUpdate() != 1) {
                throw new IllegalArgumentException("no embedding generation " + generation);
            }
        }
    }

    private static List<Generation> select(Connection c, String where) throws SQLException {
        List<Generation> found = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + COLUMNS + " FROM embedding_generations " + where)) {
            while (rs.next()) {
                found.add(new Generation(rs.getInt(1), rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                        rs.getInt(5), rs.getBoolean(6)));
            }
        }
        return found;
    }
}
