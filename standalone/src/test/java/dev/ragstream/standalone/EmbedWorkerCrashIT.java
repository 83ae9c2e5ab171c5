package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.embed.EmbedWorkerApplication;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the embed worker (a separate JVM, {@code kill -9}) while documents are in flight, starts
 * it again, and checks that every document ends indexed with exactly its chunks: nothing lost,
 * nothing duplicated.
 */
class EmbedWorkerCrashIT {

    private static final int DOCUMENTS = 12;

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void startSystemWithoutItsInJvmEmbedWorker() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("e2e-crash");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        system.stop(Standalone.Service.EMBED_WORKER);
        gateway = new GatewayClient(system.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void killingTheEmbedWorkerMidFlightLosesNothingAndDuplicatesNoChunk() throws Exception {
        Process worker = startEmbedWorker("first");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), "report-" + i + ".md", longDocument(i));
            assertThat(reply.status()).isEqualTo(202);
            ids.add(reply.text("document_id"));
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> storedChunks() > 0);
        worker.destroyForcibly().waitFor();
        int indexedAtKill = count("SELECT count(*) FROM documents WHERE status = 'indexed'");
        assertThat(indexedAtKill).as("documents still in flight when the worker was killed").isLessThan(DOCUMENTS);

        Process restarted = startEmbedWorker("second");
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> count("SELECT count(*) FROM documents WHERE status = 'indexed'") == DOCUMENTS);
        } finally {
            restarted.destroy();
            restarted.waitFor();
        }

        assertThat(count("SELECT count(*) FROM documents WHERE status <> 'indexed'")).isZero();
        Map<String, int[]> perDocument = chunkStats();
        assertThat(perDocument).hasSize(DOCUMENTS);
        perDocument.forEach((id, stats) -> {
            assertThat(stats[0]).as("rows of %s", id).isEqualTo(stats[1]);
            assertThat(stats[0]).as("distinct indexes of %s", id).isEqualTo(stats[2]);
            assertThat(stats[3]).as("highest index of %s", id).isEqualTo(stats[0] - 1);
            assertThat(stats[0]).as("chunks of %s", id).isGreaterThan(10);
        });
        assertThat(perDocument.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Per document: chunk rows, recorded chunk_count, distinct chunk indexes, highest index. */
    private static Map<String, int[]> chunkStats() throws SQLException {
        Map<String, int[]> stats = new TreeMap<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT d.id, count(c.*), d.chunk_count, count(DISTINCT c.chunk_index), max(c.chunk_index)
                FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.id, d.chunk_count""")) {
            while (rs.next()) {
                stats.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)});
            }
        }
        return stats;
    }

    private static int storedChunks() throws SQLException {
        return count("SELECT count(*) FROM chunks");
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(), "postgres", "");
    }

    /** The worker as its own process, so it can really be killed. */
    private static Process startEmbedWorker(String name) throws IOException {
        return WorkerProcess.start(EmbedWorkerApplication.class, system, tenants, home, "embed-worker-" + name);
    }

    /** A report of 40 paragraphs, unique per document, so each yields dozens of chunks. */
    private static byte[] longDocument(int n) {
        StringBuilder text = new StringBuilder("# Quarterly operations report " + n + "\n\n");
        for (int p = 0; p < 40; p++) {
            if (p % 8 == 0) {
                text.append("## Section ").append(p / 8 + 1).append("\n\n");
            }
            text.append("In week ").append(p + 1).append(" of report ").append(n)
                    .append(" the roastery in plant ").append((n * 31 + p) % 97)
                    .append(" processed green coffee from three cooperatives, cupped every new lot twice, and logged moisture,")
                    .append(" density and roast profile for each batch. Deliveries arrived on Tuesday and Thursday mornings,")
                    .append(" and the quality team rejected lots whose moisture exceeded twelve percent.\n\n");
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
