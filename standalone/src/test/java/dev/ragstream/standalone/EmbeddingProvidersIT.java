package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.fixtures.Fixtures;
import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import dev.ragstream.testsupport.openai.RecordedRequest;
import dev.ragstream.testsupport.openai.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant on OpenAI's embeddings (a local server speaking their API) beside one on the local
 * model, through the real pipeline: its vectors come from its own provider and key, in a
 * generation of their own dimension; its chat embeds the question with the same model; a provider
 * that limits or fails is retried or refused as it should be, and never holds the other tenant up.
 * The local tenant writes German: its full-text search stems German words.
 */
class EmbeddingProvidersIT {

    private static final String KEY = "sk-test-embeddings-7f3a";
    private static final int DIMENSIONS = 256;

    @TempDir
    static Path home;

    static FakeOpenAiEmbeddingsServer openAi;
    static TestTenants tenants;
    static TestTenants.Created remote;
    static TestTenants.Created local;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void startWithOneTenantOnOpenAiAndOneOnTheLocalModel() throws Exception {
        openAi = FakeOpenAiEmbeddingsServer.start().requireApiKey(KEY);
        tenants = new TestTenants(home.resolve("tenants"));
        remote = tenants.rewrite(tenants.create("emb-openai"), Map.of("EMBEDDING_PROVIDER", "openai",
                "EMBEDDING_MODEL", "text-embedding-3-small", "EMBEDDING_DIMENSIONS", String.valueOf(DIMENSIONS),
                "EMBEDDING_API_KEY", KEY, "EMBEDDING_BASE_URL", openAi.baseUrl().toString()));
        local = tenants.rewrite(tenants.create("emb-local"), Map.of("DOCUMENT_LANGUAGE", "de"));
        system = Standalone.start(tenants.settings(home.resolve("data")));
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
        if (openAi != null) {
            openAi.close();
        }
    }

    @BeforeEach
    void freshServer() {
        openAi.reset();
    }

    @Test
    void theTenantsVectorsComeFromItsProviderInAGenerationOfTheirOwnDimensionAndItsChatUsesTheSameModel() throws Exception {
        String id = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, remote, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));

        assertThat(remote.query("SELECT provider || ':' || model || ':' || dimensions || ':' || dimension"
                + " FROM embedding_generations WHERE active")).containsExactly("openai:text-embedding-3-small:256:256");
        int chunks = Integer.parseInt(remote.query("SELECT chunk_count FROM documents WHERE id = '" + id + "'").get(0));
        assertThat(remote.query("SELECT count(*) || ':' || min(vector_dims(v.embedding)) || ':' || max(vector_dims(v.embedding))"
                + " FROM chunk_vectors v JOIN embedding_generations g USING (generation) WHERE g.active AND v.document_id = '"
                + id + "'"))
                .containsExactly(chunks + ":" + DIMENSIONS + ":" + DIMENSIONS);
        List<RecordedRequest> requests = embeddingRequests();
        assertThat(requests).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(r.model()).isEqualTo("text-embedding-3-small");
            assertThat(r.dimensions()).isEqualTo(DIMENSIONS);
        });
        assertThat(requests).as("batched, not one request per chunk").hasSizeLessThan(chunks);

        openAi.reset();
        GatewayClient.Reply reply = gateway.chat(remote.id(), remote.chatKey(), "s-1", "How many vacation days do employees get?");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(embeddingRequests()).singleElement()
                .satisfies(r -> assertThat(r.input()).containsExactly("How many vacation days do employees get?"));
        assertThat(reply.body().path("sources").get(0).path("filename").asString()).isEqualTo("handbook.md");
        // the local tenant's index stays on the local model
        assertThat(local.query("SELECT provider || ':' || model || ':' || dimension FROM embedding_generations WHERE active"))
                .containsExactly("local:all-minilm-l6-v2-q:384");
    }

    @Test
    void aTenantWhoseProviderKeepsLimitingWaitsAloneItsChunksDeferredUntilTheProviderAnswersAgain() throws Exception {
        openAi.answerNext(100_000, Reply.rateLimited(Duration.ofSeconds(2)));
        List<String> limited = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GatewayClient.Reply accepted = gateway.upload(remote.id(), remote.uploadKey(), "limited-" + i + ".md",
                    document("limited stock " + i));
            assertThat(accepted.status()).isEqualTo(202);
            limited.add(accepted.text("document_id"));
        }
        String inList = "('" + String.join("', '", limited) + "')";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> remote.query(
                "SELECT count(*) FROM documents WHERE reason = 'embedding_deferred' AND id IN " + inList).equals(List.of("3")));

        // the other tenant, in the same lanes, is not held up by the limited one
        for (int i = 0; i < 3; i++) {
            TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, local, "meanwhile-" + i + ".md", document("meanwhile " + i));
        }
        assertThat(remote.query("SELECT DISTINCT status FROM documents WHERE id IN " + inList)).containsExactly("embedding");
        assertThat(remote.query("SELECT count(*) FROM chunks WHERE document_id IN " + inList).get(0))
                .as("the chunks are stored, waiting for their vectors").isNotEqualTo("0");
        assertThat(remote.query("SELECT count(*) FROM chunk_vectors WHERE document_id IN " + inList)).containsExactly("0");
        int asked = embeddingRequests().size();

        openAi.reset(); // the provider answers again
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> remote.query(
                "SELECT count(*) FROM documents WHERE status = 'indexed' AND reason IS NULL AND id IN " + inList)
                .equals(List.of("3")));
        assertThat(remote.query("SELECT count(*) = (SELECT count(*) FROM chunk_vectors v JOIN embedding_generations g"
                + " USING (generation) WHERE g.active AND v.document_id IN " + inList + ") FROM chunks WHERE document_id IN "
                + inList)).containsExactly("t");
        assertThat(remote.query("SELECT bool_and(chunk_count = total_chunks) FROM documents WHERE id IN " + inList))
                .containsExactly("t");
        assertThat(asked).as("a waiting tenant's provider is not hammered: one call per wait, waits of at least 2 s")
                .isLessThan(20);
    }

    @Test
    void aProviderThatRateLimitsIsWaitedForAsItAsksAndTheOtherTenantsDocumentIsIndexedMeanwhile() throws Exception {
        openAi.answerNext(4, Reply.rateLimited(Duration.ofSeconds(1)));
        GatewayClient.Reply accepted = gateway.upload(remote.id(), remote.uploadKey(), "limits.md", document("rate limits"));
        assertThat(accepted.status()).isEqualTo(202);

        String other = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, local, "zebra-facts.txt", Fixtures.bytes(Fixtures.ZEBRA_FACTS));
        assertThat(other).isNotBlank();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(remote, accepted.text("document_id")).equals("indexed"));

        List<RecordedRequest> requests = embeddingRequests();
        assertThat(requests).hasSizeGreaterThanOrEqualTo(5);
        for (int i = 1; i < 3; i++) { // each retry after a 429 came no sooner than its Retry-After asked
            assertThat(Duration.between(requests.get(i - 1).receivedAt(), requests.get(i).receivedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
    }

    @Test
    void aProviderThatRefusesTheInputFailsTheDocumentAtOnceWithAReason() throws Exception {
        openAi.answerNext(1, Reply.error(400, "This model's maximum context length is 8192 tokens"));
        GatewayClient.Reply accepted = gateway.upload(remote.id(), remote.uploadKey(), "refused.md", document("refused"));
        assertThat(accepted.status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(remote, accepted.text("document_id")).equals("failed"));

        assertThat(remote.query("SELECT reason FROM documents WHERE id = '" + accepted.text("document_id") + "'"))
                .containsExactly("embedding_rejected");
        assertThat(embeddingRequests()).as("a 400 is not retried").hasSize(1);
    }

    @Test
    void aChatWhoseProviderIsDownIsToldToRetryLater() {
        openAi.answerNext(2, Reply.error(503, "The server is overloaded"));

        GatewayClient.Reply reply = gateway.chat(remote.id(), remote.chatKey(), "s-2", "How many vacation days do employees get?");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.retryAfter()).isNotBlank();
        assertThat(reply.text("detail")).isEqualTo("The embedding provider is unavailable; please retry");
        assertThat(embeddingRequests()).hasSize(2);
    }

    @Test
    void fullTextSearchFollowsTheTenantsDocumentLanguage() throws Exception {
        String id = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, local, "hafen.md",
                "# Hafen\n\nDie Häuser am Hafen wurden im Frühling gestrichen.\n".getBytes(StandardCharsets.UTF_8));

        assertThat(local.query("SELECT DISTINCT ts_config::text FROM chunks WHERE document_id = '" + id + "'"))
                .containsExactly("german");
        GatewayClient.Reply reply = gateway.chat(local.id(), local.chatKey(), "s-de", "Welches Haus wurde gestrichen?");
        assertThat(reply.body().path("sources")).anySatisfy(source -> {
            assertThat(source.path("filename").asString()).isEqualTo("hafen.md");
            assertThat(source.path("keyword_score").asDouble()).as("Haus matches Häuser once stemmed").isPositive();
        });
    }

    private static List<RecordedRequest> embeddingRequests() {
        return openAi.requests().stream().filter(r -> r.path().endsWith("/embeddings")).toList();
    }

    private static byte[] document(String topic) {
        return ("# Notes on " + topic + "\n\nThe warehouse keeps " + topic + " in aisle four. Deliveries arrive on Tuesdays"
                + " and are checked by the morning shift before noon.\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String status(TestTenants.Created tenant, String documentId) throws SQLException {
        List<String> found = tenant.query("SELECT status FROM documents WHERE id = '" + documentId + "'");
        return found.isEmpty() ? "" : found.get(0);
    }
}
