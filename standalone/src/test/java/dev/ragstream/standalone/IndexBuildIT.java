package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.index.IndexGenerations.IndexState;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk path of the index on a tenant's real ragdb: a generation begins without its HNSW index,
 * which is built in one go over the loaded vectors (through the tenant's own role), used by nearest
 * neighbour queries, and replaced when a failed build left an invalid one behind.
 */
class IndexBuildIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;

    @BeforeAll
    static void createTenant() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("idx-build");
    }

    @AfterAll
    static void dropTenant() {
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void aGenerationIsIndexedInOneGoOverItsVectorsAndAFailedBuildIsReplaced() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(),
                tenant.env().get("DB_USER"), tenant.env().get("DB_PASSWORD"))) {
            Generation generation = IndexGenerations.active(c).orElseThrow();
            assertThat(IndexGenerations.indexState(c, generation.number())).as("a fresh tenant's generation").isEqualTo(IndexState.NONE);
            load(c, 200);

            assertThat(IndexGenerations.buildIndex(c, generation)).isEqualTo(IndexState.READY);
            assertThat(IndexGenerations.indexProgress(c, generation.number())).isEmpty();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stats WHERE tablename IN ('chunk_vectors', 'chunks', 'documents')"
                         + " AND attname IN ('generation', 'document_id')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("the planner has column statistics of the loaded tables (only ANALYZE makes them)")
                        .isEqualTo(3);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT reloptions FROM pg_class WHERE oid = 'chunks_content_tsv_idx'::regclass")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("every query reads the pending list: it is kept at the least size")
                        .contains("gin_pending_list_limit=64");
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT gin_clean_pending_list('chunks_content_tsv_idx')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("the full-text index has no pending entries left to merge").isZero();
            }
            assertThat(plan(c)).contains("chunk_vectors_g1_hnsw");

            try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(),
                    "postgres", ""); Statement st = admin.createStatement()) { // what a build cut short leaves
                st.executeUpdate("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'chunk_vectors_g1_hnsw'::regclass");
            }
            assertThat(IndexGenerations.indexState(c, generation.number())).isEqualTo(IndexState.BUILDING);

            assertThat(IndexGenerations.buildIndex(c, generation)).isEqualTo(IndexState.READY);
            assertThat(plan(c)).contains("chunk_vectors_g1_hnsw");
            assertThat(c.getAutoCommit()).as("the connection's mode is given back").isTrue();
        }
    }

    @Test
    void theBuildRunsInOneProcessSoTheOtherTenantsKeepTheRestOfTheCores() throws Exception {
        TestTenants.Created big = tenants.create("idx-serial");
        UUID document = UUID.randomUUID();
        // 15,000 vectors (24 MB): enough for PostgreSQL to plan a parallel build
        big.execute("INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status) VALUES ('" + document
                + "', 'big.md', 'text/markdown', 1, 'x', 'indexed');"
                + " INSERT INTO chunks (document_id, version, chunk_index, content, token_count)"
                + " SELECT '" + document + "', 1, g, 'chunk ' || g, 2 FROM generate_series(0, 14999) g;"
                + " INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding)"
                + " SELECT 1, '" + document + "', 1, g, (SELECT array_agg(random())::vector(384) FROM generate_series(1, 384)"
                + " WHERE g >= 0) FROM generate_series(0, 14999) g");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + big.database(),
                big.env().get("DB_USER"), big.env().get("DB_PASSWORD"))) {
            Generation generation = IndexGenerations.active(c).orElseThrow();
            java.util.concurrent.CompletableFuture<IndexState> build = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return IndexGenerations.buildIndex(c, generation);
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            int mostWorkers = 0;
            boolean seenBuilding = false;
            try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + big.database(), "postgres", "");
                 java.sql.PreparedStatement activity = admin.prepareStatement("SELECT count(*) FILTER (WHERE backend_type = 'parallel worker'),"
                         + " count(*) FILTER (WHERE query LIKE 'CREATE INDEX%') FROM pg_stat_activity WHERE datname = current_database()")) {
                while (!build.isDone()) { // one connection watches the build as long as it runs
                    try (ResultSet rs = activity.executeQuery()) {
                        rs.next();
                        mostWorkers = Math.max(mostWorkers, rs.getInt(1));
                        seenBuilding |= rs.getInt(2) > 0;
                    }
                }
            }
            assertThat(build.get()).isEqualTo(IndexState.READY);
            assertThat(seenBuilding).as("the build was watched while it ran").isTrue();
            assertThat(mostWorkers).as("parallel workers of the build").isZero();
        }
    }

    /** {@code count} chunks of one document with vectors of generation 1, each pointing along its own axes. */
    private static void load(Connection c, int count) throws SQLException {
        UUID document = UUID.randomUUID();
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO documents (id, filename, content_type, size_bytes, sha256, source, metadata, status, version,"
                    + " created_at, updated_at) VALUES ('" + document + "', 'load.md', 'text/markdown', 1, 'x', 'upload', '{}',"
                    + " 'indexed', 1, now(), now())");
            for (int i = 0; i < count; i++) {
                int axis = i;
                String vector = IntStream.range(0, 384).mapToObj(d -> d == axis % 384 ? "1" : d == (axis * 7) % 384 ? "0.5" : "0")
                        .collect(Collectors.joining(",", "[", "]"));
                st.execute("INSERT INTO chunks (document_id, version, chunk_index, content, token_count) VALUES ('" + document
                        + "', 1, " + i + ", 'chunk " + i + "', 2)");
                st.execute("INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding) VALUES (1, '"
                        + document + "', 1, " + i + ", '" + vector + "')");
            }
        }
    }

    private static String plan(Connection c) throws SQLException {
        String query = IntStream.range(0, 384).mapToObj(d -> d == 3 ? "1" : "0").collect(Collectors.joining(",", "[", "]"));
        StringBuilder plan = new StringBuilder();
        try (Statement st = c.createStatement()) {
            // with fresh statistics a few hundred rows are cheaper to sort than to walk: only the index may order them here
            st.execute("SET enable_seqscan = off");
            st.execute("SET enable_bitmapscan = off");
            st.execute("SET enable_sort = off");
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT chunk_index FROM chunk_vectors WHERE generation = 1"
                    + " ORDER BY embedding::vector(384) <=> '" + query + "'::vector(384) LIMIT 5")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            st.execute("RESET enable_seqscan");
            st.execute("RESET enable_bitmapscan");
            st.execute("RESET enable_sort");
        }
        return plan.toString();
    }
}
