package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.ingest.IngestWorkerApplication;
import dev.ragstream.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the ingest worker (a separate JVM, {@code kill -9}) 20 times at random moments while
 * documents flow — before, during and after its database commits and offset commits — restarting it
 * each time, and checks that every document ends indexed exactly once: one version, each chunk
 * index once, the recorded chunk count equal to the rows. The first {@value #GAP_KILLS} runs commit
 * their offsets only every ten minutes, so each of those kills lands after database commits whose
 * offsets were never committed: the gap between the two commits, every time.
 */
class IngestWorkerCrashIT {

    private static final int KILLS = 20;
    private static final int GAP_KILLS = 5;
    /** Documents the ingest worker is done with: their chunks are handed on to the embed worker. */
    private static final String HANDED_ON = "SELECT count(*) FROM documents WHERE status IN ('embedding', 'indexed')";

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void startSystemWithoutItsInJvmIngestWorker() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("ing-crash");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        system.stop(Standalone.Service.INGEST_WORKER);
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
    void killingTheIngestWorkerTwentyTimesLosesNothingAndDuplicatesNothing() throws Exception {
        Random random = new Random(20);
        List<String> ids = new ArrayList<>();
        int kills = 0;
        while (kills < KILLS) {
            while (count("SELECT count(*) FROM documents WHERE status IN ('queued', 'converting', 'chunking')") < 3) {
                GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), "log-" + ids.size() + ".md",
                        document(ids.size()));
                assertThat(reply.status()).isEqualTo(202);
                ids.add(reply.text("document_id"));
            }
            int before = progress();
            long committedBefore = committedOffsets();
            boolean inTheGap = kills < GAP_KILLS;
            Process worker = inTheGap ? startIngestWorker(kills, "--spring.kafka.listener.ack-mode=time",
                    "--spring.kafka.listener.ack-time=10m") : startIngestWorker(kills);
            if (inTheGap) { // once the worker has finished a document (its whole upload event) since it started
                int handedOn = count(HANDED_ON);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(HANDED_ON) > handedOn);
            } else { // a random moment once the worker is at work: after 1–4 more steps of any document
                int steps = 1 + random.nextInt(4);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5 + random.nextInt(40)))
                        .until(() -> progress() >= before + steps);
            }
            worker.destroyForcibly().waitFor();
            if (inTheGap) { // database commits happened, and not one offset commit
                assertThat(committedOffsets()).isEqualTo(committedBefore);
            }
            kills++;
        }

        Process last = startIngestWorker(KILLS);
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> count("SELECT count(*) FROM documents WHERE status = 'indexed'") == ids.size());
        } finally {
            last.destroy();
            last.waitFor();
        }

        assertThat(count("SELECT count(*) FROM documents WHERE status <> 'indexed' OR version <> 1")).isZero();
        Map<String, int[]> perDocument = chunkStats();
        assertThat(perDocument.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        perDocument.forEach((id, stats) -> {
            assertThat(stats[0]).as("rows of %s", id).isEqualTo(stats[1]).isPositive();
            assertThat(stats[0]).as("distinct indexes of %s", id).isEqualTo(stats[2]);
            assertThat(stats[3]).as("highest index of %s", id).isEqualTo(stats[0] - 1);
            assertThat(stats[4]).as("versions of %s", id).isEqualTo(1);
        });
    }

    /** The sum of the ingest worker's committed offsets on the upload topics, both lanes. */
    private static long committedOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers()))) {
            long sum = 0;
            for (String group : List.of("ingest-worker", "ingest-worker-bulk")) {
                sum += admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                        .filter(e -> Topics.uploadTopics().contains(e.getKey().topic()) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
            }
            return sum;
        }
    }

    /** Per document: chunk rows, recorded chunk_count, distinct chunk indexes, highest index, versions. */
    private static Map<String, int[]> chunkStats() throws SQLException {
        Map<String, int[]> stats = new TreeMap<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT d.id, count(c.*), d.chunk_count, count(DISTINCT c.chunk_index), max(c.chunk_index),
                       count(DISTINCT c.version)
                FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.id, d.chunk_count""")) {
            while (rs.next()) {
                stats.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)});
            }
        }
        return stats;
    }

    /** Steps all documents have taken: queued 0, converting 1, chunking 2, embedding 3, indexed 4 each. */
    private static int progress() throws SQLException {
        return count("""
                SELECT coalesce(sum(CASE status WHEN 'converting' THEN 1 WHEN 'chunking' THEN 2 WHEN 'embedding' THEN 3
                                                WHEN 'indexed' THEN 4 ELSE 0 END), 0) FROM documents""");
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
    private static Process startIngestWorker(int run, String... arguments) throws IOException {
        return WorkerProcess.start(IngestWorkerApplication.class, system, tenants, home, "ingest-worker-" + run, arguments);
    }

    /** A unique log of a dozen paragraphs, so each document yields several chunks. */
    private static byte[] document(int n) {
        StringBuilder text = new StringBuilder("# Shift log " + n + "\n\n");
        for (int p = 0; p < 12; p++) {
            text.append("Shift ").append(p + 1).append(" of log ").append(n).append(" moved ").append((n * 17 + p) % 89)
                    .append(" pallets from the loading dock to aisle ").append(p % 9)
                    .append(", checked the cold store at minus eighteen degrees and signed the handover sheet.\n\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
