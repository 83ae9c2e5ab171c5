package dev.ragstream.standalone.bench;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.standalone.Standalone;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/ragstream bench quality [model …]}: retrieval quality on the labelled set in
 * {@code samples/quality} (its README describes it). The whole system runs in this JVM; one
 * scratch tenant per embedding model (default: the local model) uploads the set's documents
 * through the gateway; each question goes to {@code /debug-rag}, whose candidates carry their
 * vector rank, keyword rank and fused order, so one request yields all three rankings. A
 * ranking of passages becomes a ranking of documents (each document at its best passage);
 * relevance is binary, per document. Prints one markdown table: recall@5 and nDCG@10 of
 * vector-only, keyword-only and hybrid retrieval, averaged over the questions.
 */
public final class QualityBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private QualityBenchmark() {
    }

    /** A labelled question: the documents (file names) that answer it. */
    record Question(String id, String text, Set<String> relevant) {
    }

    /** The three rankings compared. */
    enum Ranking {
        VECTOR("vector only", c -> c.path("vector_rank").asInt(0)),
        KEYWORD("keyword only", c -> c.path("keyword_rank").asInt(0)),
        HYBRID("hybrid (RRF)", c -> c.path("rank").asInt(0));

        final String label;
        final ToIntFunction<JsonNode> rank;

        Ranking(String label, ToIntFunction<JsonNode> rank) {
            this.label = label;
            this.rank = rank;
        }

        /** The documents in this ranking's order, each at its best passage. */
        List<String> documents(JsonNode candidates) {
            List<JsonNode> ranked = new ArrayList<>();
            candidates.forEach(c -> {
                if (rank.applyAsInt(c) > 0) {
                    ranked.add(c);
                }
            });
            ranked.sort(Comparator.comparingInt(rank));
            Set<String> documents = new LinkedHashSet<>();
            ranked.forEach(c -> documents.add(c.path("filename").asString()));
            return List.copyOf(documents);
        }
    }

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? List.of(args) : List.of("all-minilm-l6-v2"));
        } catch (Throwable e) { // the services' threads would keep the JVM alive: end it with the failure
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(List<String> models) throws Exception {
        Path set = Stream.of(Path.of("samples/quality"), Path.of("../samples/quality")).filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> new IllegalStateException("samples/quality not found; run from the repository"));
        List<Path> documents;
        try (Stream<Path> files = Files.list(set.resolve("docs"))) {
            documents = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
        }
        List<Question> questions = questions(set.resolve("questions.tsv"));
        Path home = Files.createTempDirectory("ragstream-bench-quality");
        String chatDb = TestDatabase.uniqueName("bench_chatdb");
        String chatOwner = TestDatabase.uniqueName("bench_chatowner");
        String chatApp = TestDatabase.uniqueName("bench_chatapp");
        List<Map<String, String>> created = new ArrayList<>();
        try {
            if (TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                    "--app-password=bench") != 0) {
                throw new IllegalStateException("cannot create the bench chatdb");
            }
            for (String model : models) {
                created.add(IngestBenchmark.tenant(home, "quality", chatDb, chatApp, "\nEMBEDDING_MODEL=" + model + "\n"));
            }
            try (Standalone system = Standalone.start(Standalone.Settings.forTests(home.resolve("tenants"), home.resolve("data"),
                    Map.of("ragstream.gateway.blocklist.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + chatDb,
                            "ragstream.gateway.blocklist.user", chatApp, "ragstream.gateway.blocklist.password", "bench",
                            "ragstream.gateway.rate-limits.upload", "1000000", "ragstream.gateway.rate-limits.tenant", "1000000")))) {
                System.out.printf("| retrieval (%d questions, %d documents) | model | recall@5 | nDCG@10 |%n", questions.size(),
                        documents.size());
                System.out.println("|---|---|---|---|");
                for (int i = 0; i < models.size(); i++) {
                    Map<String, String> tenant = created.get(i);
                    upload(system.gatewayUrl(), tenant, documents);
                    IngestBenchmark.awaitIndexed(tenant, documents.size(), Duration.ofMinutes(10));
                    evaluate(system.gatewayUrl(), tenant, models.get(i), questions);
                }
            }
        } finally {
            for (Map<String, String> env : created) {
                TestDatabase.dropDatabase(env.get("DB_NAME"));
                TestDatabase.dropRole(env.get("DB_USER"));
            }
            TestDatabase.dropDatabase(chatDb);
            TestDatabase.dropRole(chatApp);
            TestDatabase.dropRole(chatOwner);
            org.springframework.util.FileSystemUtils.deleteRecursively(home);
        }
    }

    private static void evaluate(String gateway, Map<String, String> tenant, String model, List<Question> questions)
            throws Exception {
        double[] recall = new double[Ranking.values().length];
        double[] ndcg = new double[Ranking.values().length];
        String dump = System.getenv("QUALITY_DUMP"); // a directory: each question's candidates, to study the rankings offline
        for (Question q : questions) {
            JsonNode candidates = debugRag(gateway, tenant, q.text()).path("candidates");
            if (dump != null) {
                Files.writeString(Files.createDirectories(Path.of(dump, model)).resolve(q.id() + ".json"), candidates.toString());
            }
            for (Ranking ranking : Ranking.values()) {
                List<String> ranked = ranking.documents(candidates);
                recall[ranking.ordinal()] += recallAt(5, ranked, q.relevant());
                ndcg[ranking.ordinal()] += ndcgAt(10, ranked, q.relevant());
            }
        }
        for (Ranking ranking : Ranking.values()) {
            System.out.printf("| %s | %s | %.3f | %.3f |%n", ranking.label, model, recall[ranking.ordinal()] / questions.size(),
                    ndcg[ranking.ordinal()] / questions.size());
        }
    }

    /** The share of the relevant documents among the first {@code k}. */
    static double recallAt(int k, List<String> ranked, Set<String> relevant) {
        return ranked.stream().limit(k).filter(relevant::contains).count() / (double) relevant.size();
    }

    /** Binary-relevance nDCG over the first {@code k}: 1 when every relevant document leads the list. */
    static double ndcgAt(int k, List<String> ranked, Set<String> relevant) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    static List<Question> questions(Path tsv) throws IOException {
        List<Question> questions = new ArrayList<>();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                throw new IllegalStateException("questions.tsv: expected id, question, relevant in: " + line);
            }
            Set<String> relevant = new LinkedHashSet<>();
            for (String file : fields[2].split(",")) {
                relevant.add(file.strip());
            }
            questions.add(new Question(fields[0].strip(), fields[1].strip(), relevant));
        }
        return questions;
    }

    private static JsonNode debugRag(String gateway, Map<String, String> tenant, String question) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/debug-rag?tenant="
                        + tenant.get("TENANT_ID") + "&query=" + URLEncoder.encode(question, StandardCharsets.UTF_8)))
                .header("X-API-Key", tenant.get("ADMIN_API_KEY")).GET().timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("debug-rag answered " + response.statusCode() + ": " + response.body());
        }
        return JsonMapper.shared().readTree(response.body());
    }

    /** All documents in one multipart request, under their own file names. */
    private static void upload(String gateway, Map<String, String> tenant, List<Path> documents) throws Exception {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (Path document : documents) {
            files.put(document.getFileName().toString(), Files.readAllBytes(document));
        }
        IngestBenchmark.upload(gateway, tenant, files);
    }
}
