package dev.ragstream.standalone.bench;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.PgVectorLiteral;
import dev.ragstream.standalone.Standalone;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/ragstream bench query [chunks [model]]}: one tenant with {@code chunks} (100,000)
 * chunks, loaded through the whole pipeline (generated Markdown documents of
 * {@value #SECTIONS_PER_DOCUMENT} short sections, each a chunk, embedded by the tenant's model:
 * the product default unless {@code model} is given). Then, through the gateway, chat without a
 * language model (retrieval, the relevance gate, the extractive answer and the session's history
 * write — everything a visitor waits for except an LLM) at 1 and at 16 concurrent clients, each
 * request a new session; and HNSW recall@10 against an exact search of the same vectors, with the
 * retriever's search settings. Prints one Markdown table.
 */
public final class QueryBenchmark {

    static final int SECTIONS_PER_DOCUMENT = 200;
    private static final int FILES_PER_REQUEST = 20;
    private static final int QUESTIONS = 200;
    /** Chat before the clock starts, from a few clients: the JIT compiles the query path of all five services. */
    private static final Duration WARM_UP = Duration.ofSeconds(60);
    private static final int WARM_UP_CLIENTS = 4;
    private static final int CLIENTS = 16;
    private static final int PER_CLIENT = 40;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicLong SESSIONS = new AtomicLong();
    /** Answers other than 200 during the measured phases, by status: reported, never hidden. */
    private static final Map<Integer, AtomicLong> REFUSED = new java.util.concurrent.ConcurrentSkipListMap<>();

    private static final String[] PRODUCTS = {"Aurora", "Basalt", "Cinder", "Delta", "Ember", "Fjord", "Glacier", "Harbor",
        "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Pioneer", "Quartz", "Raven", "Sierra", "Tundra",
        "Umber", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon", "Comet", "Dune"};
    private static final String[] KINDS = {"router", "thermostat", "camera", "speaker", "lamp", "doorbell", "scale", "kettle",
        "drill", "projector", "heater", "purifier", "charger", "monitor", "keyboard"};
    private static final String[] ASPECTS = {"battery life", "warranty", "firmware update", "factory reset", "wall mounting",
        "cleaning", "pairing", "power consumption", "operating temperature", "return policy", "spare parts", "noise level",
        "safety notice", "installation", "troubleshooting", "storage", "shipping", "accessories", "dimensions", "energy label"};
    private static final String[] VERBS = {"press", "hold", "turn", "slide", "tap", "remove", "insert", "tighten", "release",
        "check"};
    private static final String[] PARTS = {"the power button", "the rear panel", "the reset pin", "the mounting bracket",
        "the filter cover", "the status light", "the battery door", "the front dial", "the USB port", "the side switch"};
    private static final String[] OUTCOMES = {"the light blinks twice", "a short tone sounds", "the display shows OK",
        "the fan stops", "the status light turns green", "the device restarts", "the app confirms the change",
        "the indicator turns blue"};

    private QueryBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 100_000, args.length > 1 ? args[1] : null);
        } catch (Throwable e) { // the services' threads would keep the JVM alive: end it with the failure
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(int chunks, String model) throws Exception {
        int documents = Math.max(1, chunks / SECTIONS_PER_DOCUMENT);
        Path home = Files.createTempDirectory("ragstream-bench-query");
        String chatDb = TestDatabase.uniqueName("bench_chatdb");
        String chatOwner = TestDatabase.uniqueName("bench_chatowner");
        String chatApp = TestDatabase.uniqueName("bench_chatapp");
        Map<String, String> tenant = null;
        try {
            if (TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                    "--app-password=bench") != 0) {
                throw new IllegalStateException("cannot create the bench chatdb");
            }
            tenant = IngestBenchmark.tenant(home, "bench-q", chatDb, chatApp, model == null ? "" : "\nEMBEDDING_MODEL=" + model + "\n");
            Map<String, String> properties = Map.of("ragstream.gateway.blocklist.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + chatDb,
                    "ragstream.gateway.blocklist.user", chatApp, "ragstream.gateway.blocklist.password", "bench",
                    "ragstream.gateway.rate-limits.upload", "1000000", "ragstream.gateway.rate-limits.tenant", "1000000",
                    "ragstream.gateway.rate-limits.chat", "1000000");
            try (Standalone system = Standalone.start(Standalone.Settings.forTests(home.resolve("tenants"), home.resolve("data"),
                    properties))) {
                String gateway = system.gatewayUrl();
                Random random = new Random(7);
                long loadStarted = System.nanoTime();
                for (int from = 0; from < documents; from += FILES_PER_REQUEST) {
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    for (int i = from; i < Math.min(documents, from + FILES_PER_REQUEST); i++) {
                        files.put("catalogue-" + i + ".md", document(random, i).getBytes(StandardCharsets.UTF_8));
                    }
                    IngestBenchmark.upload(gateway, tenant, files);
                }
                IngestBenchmark.awaitIndexed(tenant, documents, Duration.ofMinutes(120));
                awaitVectorIndex(tenant, Duration.ofMinutes(30));
                double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
                String[] generation = IngestBenchmark.query(tenant, "SELECT generation || ':' || dimension || ':' || model"
                        + " FROM embedding_generations WHERE active").get(0).split(":");
                long stored = Long.parseLong(IngestBenchmark.query(tenant, "SELECT count(*) FROM chunk_vectors WHERE generation = "
                        + generation[0]).get(0));

                System.out.printf("| measure (%,d chunks in %d documents, model %s) | result |%n", stored, documents, generation[2]);
                System.out.println("|---|---|");
                System.out.printf("| load through the pipeline, first upload to HNSW index built | %.0f s (%.0f chunks/s) |%n",
                        loadSeconds, stored / loadSeconds);
                List<String> questions = new ArrayList<>();
                for (int i = 0; i < QUESTIONS; i++) {
                    questions.add(question(random));
                }
                Map<String, String> loaded = tenant;
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                long warmUntil = System.nanoTime() + WARM_UP.toNanos();
                List<Future<?>> warming = new ArrayList<>();
                for (int c = 0; c < WARM_UP_CLIENTS; c++) {
                    int client = c;
                    warming.add(clients.submit(() -> {
                        for (int i = client; System.nanoTime() < warmUntil; i += WARM_UP_CLIENTS) {
                            chat(gateway, loaded, questions.get(i % questions.size()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : warming) {
                    f.get();
                }
                REFUSED.clear();
                List<Long> single = new ArrayList<>();
                for (String q : questions) {
                    single.add(chat(gateway, tenant, q));
                }
                System.out.printf("| chat without LLM via the gateway, 1 client (%d questions) | %s |%n", single.size(), latencies(single));
                List<Long> concurrent = Collections.synchronizedList(new ArrayList<>());
                long concurrentStarted = System.nanoTime();
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    running.add(clients.submit(() -> {
                        for (int i = 0; i < PER_CLIENT; i++) {
                            concurrent.add(chat(gateway, loaded, questions.get((client * PER_CLIENT + i) % questions.size())));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                double concurrentSeconds = (System.nanoTime() - concurrentStarted) / 1e9;
                clients.shutdown();
                System.out.printf("| chat without LLM via the gateway, %d clients (%d requests) | %s; %.0f answers/s |%n", CLIENTS,
                        concurrent.size(), latencies(concurrent), concurrent.stream().filter(n -> n >= 0).count() / concurrentSeconds);
                double recall = recallAt10(tenant, Integer.parseInt(generation[0]), Integer.parseInt(generation[1]), generation[2],
                        questions);
                System.out.printf("| HNSW recall@10 against exact search (ef_search 100, %d questions) | %.3f |%n", questions.size(),
                        recall);
            }
        } finally {
            if (System.getenv("QUERY_BENCH_KEEP") != null && tenant != null) { // to study the loaded tenant's queries afterwards
                System.out.println("kept: database " + tenant.get("DB_NAME") + ", chatdb " + chatDb);
                return;
            }
            if (tenant != null) {
                TestDatabase.dropDatabase(tenant.get("DB_NAME"));
                TestDatabase.dropRole(tenant.get("DB_USER"));
            }
            TestDatabase.dropDatabase(chatDb);
            TestDatabase.dropRole(chatApp);
            TestDatabase.dropRole(chatOwner);
            org.springframework.util.FileSystemUtils.deleteRecursively(home);
        }
    }

    /** A product catalogue page: one short section (a chunk) per product, model and topic. */
    static String document(Random random, int n) {
        StringBuilder doc = new StringBuilder("# Catalogue ").append(n).append("\n\n");
        for (int s = 0; s < SECTIONS_PER_DOCUMENT; s++) {
            String product = pick(random, PRODUCTS) + " " + pick(random, KINDS) + " " + (100 + random.nextInt(900));
            String aspect = pick(random, ASPECTS);
            doc.append("## ").append(product).append(": ").append(aspect).append("\n\n")
                    .append("For the ").append(product).append(", the ").append(aspect).append(" is covered here. ")
                    .append(capitalise(pick(random, VERBS))).append(' ').append(pick(random, PARTS)).append(" for ")
                    .append(1 + random.nextInt(30)).append(" seconds until ").append(pick(random, OUTCOMES)).append(". ")
                    .append("Rated for ").append(random.nextInt(60)).append(" degrees and ").append(1 + random.nextInt(48))
                    .append(" months of use.\n\n");
        }
        return doc.toString();
    }

    static String question(Random random) {
        String product = pick(random, PRODUCTS) + " " + pick(random, KINDS);
        return switch (random.nextInt(3)) {
            case 0 -> "What about the " + pick(random, ASPECTS) + " of the " + product + "?";
            case 1 -> "How do I " + pick(random, VERBS) + " " + pick(random, PARTS) + " on the " + product + "?";
            default -> "Which " + pick(random, KINDS) + " has the longest " + pick(random, ASPECTS) + "?";
        };
    }

    /**
     * One chat request in a new session; its latency in nanoseconds, or -1 when it was not answered
     * 200 (counted in {@link #REFUSED}).
     */
    private static long chat(String gateway, Map<String, String> tenant, String question) throws Exception {
        String body = "{\"tenant_id\": \"" + tenant.get("TENANT_ID") + "\", \"session_id\": \"bench-" + SESSIONS.incrementAndGet()
                + "\", \"message\": \"" + question + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/chat")).header("Content-Type", "application/json")
                .header("X-API-Key", tenant.get("CHAT_API_KEY")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - t0;
        if (response.statusCode() != 200) {
            REFUSED.computeIfAbsent(response.statusCode(), status -> new AtomicLong()).incrementAndGet();
            return -1;
        }
        return elapsed;
    }

    /** The answered requests' percentiles, and what was refused. */
    private static String latencies(List<Long> nanos) {
        List<Long> answered = nanos.stream().filter(n -> n >= 0).toList();
        String refused = REFUSED.isEmpty() ? "" : "; not answered: " + REFUSED;
        REFUSED.clear();
        return String.format("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d answered%s)", ms(answered, 50), ms(answered, 95),
                ms(answered, 99), answered.size(), refused);
    }

    /** Until the active generation's HNSW index exists and is valid (the bulk path builds it after the load). */
    private static void awaitVectorIndex(Map<String, String> tenant, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() ->
                !IngestBenchmark.query(tenant, """
                        SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                        WHERE c.relname = 'chunk_vectors_g' || (SELECT generation FROM embedding_generations WHERE active) || '_hnsw'
                          AND i.indisvalid""").isEmpty());
    }

    /**
     * The share of the exact 10 nearest chunks that the HNSW search (the retriever's settings:
     * ef_search 100, relaxed iterative scan) returns, averaged over the questions.
     */
    private static double recallAt10(Map<String, String> tenant, int generation, int dimension, String model,
                                     List<String> questions) throws Exception {
        String type = "vector(" + dimension + ")";
        String sql = "SELECT document_id || ':' || version || ':' || chunk_index FROM chunk_vectors WHERE generation = " + generation
                + " ORDER BY embedding::" + type + " <=> ?::" + type + " LIMIT 10";
        double total = 0;
        try (MiniLmEmbeddingModel embedder = MiniLmEmbeddingModel.load(MiniLmEmbeddingModel.Variant.named(model));
             Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.get("DB_NAME"), "postgres", "")) {
            c.setAutoCommit(false);
            for (String question : questions) {
                String vector = PgVectorLiteral.of(embedder.embedAll(List.of(question)).get(0));
                Set<String> approximate = nearest(c, sql, vector, "SET LOCAL hnsw.ef_search = 100",
                        "SET LOCAL hnsw.iterative_scan = relaxed_order");
                Set<String> exact = nearest(c, sql, vector, "SET LOCAL enable_indexscan = off", "SET LOCAL enable_bitmapscan = off");
                approximate.retainAll(exact);
                total += approximate.size() / (double) exact.size();
            }
        }
        return total / questions.size();
    }

    private static Set<String> nearest(Connection c, String sql, String vector, String... settings) throws Exception {
        try (Statement st = c.createStatement()) {
            for (String setting : settings) {
                st.execute(setting);
            }
        }
        Set<String> ids = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, vector);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        c.rollback();
        return ids;
    }

    private static double ms(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String capitalise(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
