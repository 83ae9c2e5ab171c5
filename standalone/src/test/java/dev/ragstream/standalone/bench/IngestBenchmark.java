package dev.ragstream.standalone.bench;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.standalone.Standalone;
import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import dev.ragstream.testsupport.openai.Reply;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/ragstream bench ingest [documents] [bulk]}: the whole system in this JVM, two scratch
 * tenants, one markdown table.
 * <ol>
 *   <li>Throughput: after a warm-up (rounds of {@value #WARM_UP_DOCS} such PDFs of another tenant,
 *       until the JIT compiles less than {@value #WARM_JIT_SHARE} of a round's time, at most
 *       {@value #MAX_WARM_UP_ROUNDS}; then the HNSW index the embed worker builds for that tenant once
 *       its load is over; not measured), {@code documents} (500) generated two-page
 *       PDFs uploaded at once, 20 per request; end-to-end pages/s and chunks/s from the first upload to the last document
 *       searchable, and upload→searchable p50/p95 (the database's {@code queued_at} and
 *       {@code indexed_at}).</li>
 *   <li>Embedding: the embed stage's tokens/s (tokens of the model's input sequences over the embed
 *       worker's busy time, from its own meters) against raw ONNX Runtime on 128-token texts
 *       measured in this run (before the services start and again after the measured load, as the
 *       machine's speed drifts), and their ratio.</li>
 *   <li>Fairness: tenant A uploads {@code bulk} (2,000) short one-page PDFs; meanwhile tenant B
 *       uploads one such PDF every 3 s, ten times; B's upload→searchable p95.</li>
 *   <li>A limited provider: tenants C (on OpenAI's embeddings, a local server speaking their API) and D (the
 *       local model) each upload {@value #ISOLATION_DOCS} one-page PDFs at the same time, twice:
 *       once with C's provider answering, once with it answering 429 throughout. D's documents
 *       per second in the second round against the first.</li>
 * </ol>
 */
public final class IngestBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int PER_REQUEST = 20;
    private static final int PROBES = 10;
    private static final int ISOLATION_DOCS = 400;
    private static final int WARM_UP_DOCS = 100;
    private static final int MAX_WARM_UP_ROUNDS = 40;
    /** The JIT's compile time over a warm-up round's wall time below which the services count as warm. */
    private static final double WARM_JIT_SHARE = 0.05;
    /** Timed calls of the raw reference, before the services start and again after the measured load. */
    private static final int RAW_ROUNDS = 7;

    private IngestBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 500, args.length > 1 ? Integer.parseInt(args[1]) : 2000);
        } catch (Throwable e) { // the services' threads would keep the JVM alive: end it with the failure
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(int documents, int bulk) throws Exception {
        Path home = Files.createTempDirectory("ragstream-bench-ingest");
        String chatDb = TestDatabase.uniqueName("bench_chatdb");
        String chatOwner = TestDatabase.uniqueName("bench_chatowner");
        String chatApp = TestDatabase.uniqueName("bench_chatapp");
        List<Map<String, String>> created = new ArrayList<>();
        FakeOpenAiEmbeddingsServer provider = FakeOpenAiEmbeddingsServer.start();
        try {
            if (TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                    "--app-password=bench") != 0) {
                throw new IllegalStateException("cannot create the bench chatdb");
            }
            Map<String, String> a = tenant(home, "bench-a", chatDb, chatApp);
            created.add(a);
            Map<String, String> b = tenant(home, "bench-b", chatDb, chatApp);
            created.add(b);
            Map<String, String> c = tenant(home, "bench-c", chatDb, chatApp, "\nEMBEDDING_PROVIDER=openai"
                    + "\nEMBEDDING_MODEL=text-embedding-3-small\nEMBEDDING_DIMENSIONS=256\nEMBEDDING_API_KEY=sk-bench\nEMBEDDING_BASE_URL="
                    + provider.baseUrl() + "\n");
            created.add(c);
            Map<String, String> d = tenant(home, "bench-d", chatDb, chatApp);
            created.add(d);
            List<Double> raw = new ArrayList<>(rawOnnxTokensPerSecond());
            try (Standalone system = Standalone.start(Standalone.Settings.forTests(home.resolve("tenants"), home.resolve("data"),
                    Map.of("ragstream.gateway.blocklist.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + chatDb,
                            "ragstream.gateway.blocklist.user", chatApp, "ragstream.gateway.blocklist.password", "bench",
                            "ragstream.gateway.rate-limits.upload", "1000000", "ragstream.gateway.rate-limits.tenant", "1000000")))) {
                String gateway = system.gatewayUrl();
                String embedWorker = "http://127.0.0.1:" + system.port(Standalone.Service.EMBED_WORKER);
                Random random = new Random(11);
                List<byte[]> corpus = new ArrayList<>();
                for (int i = 0; i < documents; i++) {
                    corpus.add(ConversionBenchmark.pdf(random, 2));
                }
                // warm-up: the services of this JVM compile their hot paths (conversion, chunking, embedding,
                // writing) on another tenant's documents before the clock starts, in rounds until the JIT
                // compiles less than WARM_JIT_SHARE of a round's time or MAX_WARM_UP_ROUNDS are done; the table
                // reports how much it still compiled while measured (the five services and the broker in
                // one JVM compile for minutes)
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                int warmUpDocs = 0;
                double jitShare = 1;
                for (int round = 0; round < MAX_WARM_UP_ROUNDS && jitShare >= WARM_JIT_SHARE; round++) {
                    List<byte[]> warmUp = new ArrayList<>();
                    for (int i = 0; i < WARM_UP_DOCS; i++) {
                        warmUp.add(ConversionBenchmark.pdf(random, 2));
                    }
                    long compiling = jit.getTotalCompilationTime();
                    long started = System.nanoTime();
                    upload(gateway, d, warmUp, "warm-up-" + round);
                    warmUpDocs += WARM_UP_DOCS;
                    awaitIndexed(d, warmUpDocs, Duration.ofMinutes(30));
                    jitShare = (jit.getTotalCompilationTime() - compiling) / ((System.nanoTime() - started) / 1e6);
                }
                awaitIndexBuilt(d);
                Map<String, Double> warm = embedMeters(embedWorker);
                long compiling = jit.getTotalCompilationTime();
                upload(gateway, a, corpus, "doc");
                awaitIndexed(a, documents, Duration.ofMinutes(30));
                Throughput throughput = throughput(a);
                double measuredJitShare = (jit.getTotalCompilationTime() - compiling) / (throughput.seconds * 1000);
                Map<String, Double> meters = embedMeters(embedWorker);
                double stage = throughput.tokens / (meters.get("stage") - warm.get("stage"));
                double model = throughput.tokens / (meters.get("model") - warm.get("model"));
                awaitIndexBuilt(a);
                List<Double> rawAfter = rawOnnxTokensPerSecond(); // again once the system is idle: the machine drifts
                raw.addAll(rawAfter);
                double reference = median(raw);

                List<byte[]> backlog = new ArrayList<>();
                for (int i = 0; i < bulk; i++) {
                    backlog.add(ConversionBenchmark.pdf(random, 1, 6)); // a short page: a chunk each
                }
                upload(gateway, a, backlog, "bulk");
                long firstProbe = System.nanoTime();
                for (int i = 0; i < PROBES; i++) { // one every 3 s: the arrival schedule of the scenario
                    java.util.concurrent.locks.LockSupport.parkNanos(firstProbe + i * 3_000_000_000L - System.nanoTime());
                    upload(gateway, b, List.of(ConversionBenchmark.pdf(random, 1, 6)), "probe-" + i);
                }
                awaitIndexed(b, PROBES, Duration.ofMinutes(30));
                List<Long> probes = searchableMillis(b);
                awaitIndexed(a, documents + bulk, Duration.ofMinutes(60));

                double healthy = isolationRound(gateway, c, d, random, "healthy");
                provider.answerNext(10_000_000, Reply.rateLimited(Duration.ofSeconds(1)));
                double limited = isolationRound(gateway, c, d, random, "limited");

                System.out.printf("| measure (%d two-page PDFs; fairness: %d one-page PDFs of A, %d probes of B) | result |%n",
                        documents, bulk, PROBES);
                System.out.println("|---|---|");
                System.out.printf("| end to end, first upload to last searchable | %.1f pages/s, %.1f chunks/s (%d pages, %d chunks in %.1f s) |%n",
                        throughput.pages / throughput.seconds, throughput.chunks / throughput.seconds, throughput.pages,
                        throughput.chunks, throughput.seconds);
                System.out.printf("| warm-up (not measured) | %d two-page PDFs of another tenant, then its HNSW index built; JIT compile time while measured:"
                        + " %.0f %% of the wall time |%n", warmUpDocs, measuredJitShare * 100);
                System.out.printf("| embed stage (tokens over the embed worker's busy time) | %.0f tokens/s (model calls alone: %.0f tokens/s) |%n",
                        stage, model);
                System.out.printf("| raw ONNX Runtime (all-minilm-l6-v2-q), 256 texts of 128 tokens on every core, same run: median of"
                        + " %d calls before the services start and %d after the measured load | %.0f tokens/s (before %.0f, after %.0f) |%n",
                        RAW_ROUNDS, RAW_ROUNDS, reference, median(raw.subList(0, RAW_ROUNDS)), median(rawAfter));
                System.out.printf("| embed stage / raw | %.2f (model calls alone: %.2f) |%n", stage / reference, model / reference);
                System.out.printf("| upload → searchable | p50 %.1f s, p95 %.1f s |%n", percentile(throughput.searchable, 50) / 1000.0,
                        percentile(throughput.searchable, 95) / 1000.0);
                System.out.printf("| fairness: B's one-page upload while A has %d queued | p95 %.1f s (p50 %.1f s, max %.1f s) |%n", bulk,
                        percentile(probes, 95) / 1000.0, percentile(probes, 50) / 1000.0, percentile(probes, 100) / 1000.0);
                System.out.printf("| D's throughput while C's provider answers 429 (%d documents each) | %.2f documents/s against"
                        + " %.2f with it answering: %.2f of normal |%n", ISOLATION_DOCS, limited, healthy, limited / healthy);
            }
        } finally {
            for (Map<String, String> env : created) {
                TestDatabase.dropDatabase(env.get("DB_NAME"));
                TestDatabase.dropRole(env.get("DB_USER"));
            }
            TestDatabase.dropDatabase(chatDb);
            TestDatabase.dropRole(chatApp);
            TestDatabase.dropRole(chatOwner);
            provider.close();
            org.springframework.util.FileSystemUtils.deleteRecursively(home);
        }
    }

    /**
     * C and D upload their documents at the same time, request by request; D's documents per second
     * from its first queued to its last searchable. C's documents may still wait when this returns.
     */
    private static double isolationRound(String gateway, Map<String, String> c, Map<String, String> d, Random random,
                                         String round) throws Exception {
        List<byte[]> ofC = new ArrayList<>();
        List<byte[]> ofD = new ArrayList<>();
        for (int i = 0; i < ISOLATION_DOCS; i++) {
            ofC.add(ConversionBenchmark.pdf(random, 1, 6));
            ofD.add(ConversionBenchmark.pdf(random, 1, 6));
        }
        int before = Integer.parseInt(query(d, "SELECT count(*) FROM documents").get(0));
        for (int from = 0; from < ISOLATION_DOCS; from += PER_REQUEST) {
            int to = Math.min(ISOLATION_DOCS, from + PER_REQUEST);
            upload(gateway, c, ofC.subList(from, to), round + "-c-" + from);
            upload(gateway, d, ofD.subList(from, to), round + "-d-" + from);
        }
        awaitIndexed(d, before + ISOLATION_DOCS, Duration.ofMinutes(30));
        String seconds = query(d, "SELECT extract(epoch FROM max(indexed_at) - min(queued_at)) FROM documents"
                + " WHERE filename LIKE '" + round + "-d-%'").get(0);
        return ISOLATION_DOCS / Double.parseDouble(seconds);
    }

    private static Map<String, String> tenant(Path home, String prefix, String chatDb, String chatApp) throws Exception {
        return tenant(home, prefix, chatDb, chatApp, "");
    }

    /** @param settings more .env lines */
    static Map<String, String> tenant(Path home, String prefix, String chatDb, String chatApp, String settings)
            throws Exception {
        String id = prefix + "-" + Long.toString(System.nanoTime(), 36);
        if (TenantCli.run("--tenants-dir=" + home.resolve("tenants"), "create", id, "--admin-db-name=" + chatDb,
                "--admin-db-user=" + chatApp, "--admin-db-password=bench") != 0) {
            throw new IllegalStateException("cannot create tenant " + id);
        }
        Path env = home.resolve("tenants").resolve(id).resolve(".env");
        Files.writeString(env, Files.readString(env) + "\nMAX_QUEUED_DOCUMENTS=100000\n" + settings);
        return EnvFile.read(env);
    }

    /**
     * Tokens per second of the local model on 256 full-window texts per call, run on every core as
     * in the pipeline (the int8 build one text per run, see {@code MiniLmEmbeddingModel.Variant#batchSize}),
     * after a warm-up: one figure for each of {@value #RAW_ROUNDS} calls.
     */
    private static List<Double> rawOnnxTokensPerSecond() {
        try (MiniLmEmbeddingModel model = MiniLmEmbeddingModel.load(MiniLmEmbeddingModel.Variant.INT8)) { // the new tenants' model
            Random random = new Random(3);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 8 * 32; i++) {
                StringBuilder text = new StringBuilder();
                while (model.countTokens(text.toString()) < model.maxTokens()) {
                    text.append("word").append(random.nextInt(1000)).append(' ');
                }
                texts.add(text.toString());
            }
            model.embedAll(texts);
            List<Double> rounds = new ArrayList<>();
            for (int i = 0; i < RAW_ROUNDS; i++) {
                long started = System.nanoTime();
                model.embedAll(texts);
                rounds.add(texts.size() * (model.maxTokens() + 2.0) / ((System.nanoTime() - started) / 1e9));
            }
            return rounds;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void upload(String gateway, Map<String, String> tenant, List<byte[]> files, String name) throws Exception {
        for (int from = 0; from < files.size(); from += PER_REQUEST) {
            Map<String, byte[]> request = new java.util.LinkedHashMap<>();
            for (int i = from; i < Math.min(files.size(), from + PER_REQUEST); i++) {
                request.put(name + "-" + i + ".pdf", files.get(i));
            }
            upload(gateway, tenant, request);
        }
    }

    /** One multipart upload of {@code files} (file name → bytes) for the tenant; anything but 202 fails. */
    static void upload(String gateway, Map<String, String> tenant, Map<String, byte[]> files) throws Exception {
        String boundary = "----bench" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getKey()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/upload?tenant="
                        + tenant.get("TENANT_ID"))).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-API-Key", tenant.get("UPLOAD_API_KEY")).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Until {@code expected} documents of the tenant are indexed; fails at once when one failed. */
    static void awaitIndexed(Map<String, String> tenant, int expected, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            String[] counts = query(tenant, "SELECT count(*) FILTER (WHERE status = 'indexed') || ':'"
                    + " || count(*) FILTER (WHERE status = 'failed') FROM documents").get(0).split(":");
            if (Integer.parseInt(counts[1]) > 0) {
                throw new IllegalStateException(counts[1] + " documents of " + tenant.get("TENANT_ID") + " failed");
            }
            return Integer.parseInt(counts[0]) >= expected;
        });
    }

    /**
     * Until the tenant's HNSW index is built and its database idle: the embed worker builds it once the
     * tenant's load is over, which would otherwise take the cores from the measured load that follows.
     */
    private static void awaitIndexBuilt(Map<String, String> tenant) {
        int[] idle = {0};
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String state = query(tenant, """
                    SELECT (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                            WHERE c.relname LIKE 'chunk_vectors_g%_hnsw' AND i.indisvalid) || ':'
                           || (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                               AND state = 'active' AND pid <> pg_backend_pid())""").get(0);
            idle[0] = state.startsWith("0:") || !state.endsWith(":0") ? 0 : idle[0] + 1;
            return idle[0] >= 2;
        });
    }

    private record Throughput(long pages, long chunks, long tokens, double seconds, List<Long> searchable) {
    }

    private static Throughput throughput(Map<String, String> tenant) throws SQLException {
        String[] totals = query(tenant, """
                SELECT sum((metadata->>'pages')::int) || ':' || sum(chunk_count) || ':'
                       || (SELECT sum(token_count + 2) FROM chunks) || ':'
                       || extract(epoch FROM max(indexed_at) - min(queued_at)) FROM documents""").get(0).split(":");
        return new Throughput(Long.parseLong(totals[0]), Long.parseLong(totals[1]), Long.parseLong(totals[2]),
                Double.parseDouble(totals[3]), searchableMillis(tenant));
    }

    private static List<Long> searchableMillis(Map<String, String> tenant) throws SQLException {
        return query(tenant, "SELECT (extract(epoch FROM indexed_at - queued_at) * 1000)::bigint FROM documents")
                .stream().map(Long::parseLong).toList();
    }

    /**
     * The embed worker's busy seconds so far (readings before and after a phase give its share): the whole stage
     * (embedding and writing) and the model calls alone, each counted once however many of the two
     * lanes' consumers overlapped.
     */
    private static Map<String, Double> embedMeters(String embedWorker) throws Exception {
        String prometheus = HTTP.send(HttpRequest.newBuilder(URI.create(embedWorker + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return Map.of("stage", single(prometheus, "ragstream_embed_busy_seconds_total"),
                "model", single(prometheus, "ragstream_embed_model_busy_seconds_total"));
    }

    private static double single(String prometheus, String metric) {
        Matcher m = Pattern.compile("(?m)^" + metric + "(?:\\{[^}]*})? (\\S+)$").matcher(prometheus);
        if (!m.find() || Double.parseDouble(m.group(1)) == 0) {
            throw new IllegalStateException("no " + metric + " in the embed worker's meters");
        }
        return Double.parseDouble(m.group(1));
    }

    static List<String> query(Map<String, String> tenant, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.get("DB_NAME"), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static double percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
