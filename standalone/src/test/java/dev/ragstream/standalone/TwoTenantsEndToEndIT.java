package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.fixtures.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The walking skeleton end to end, through the gateway of a running system (own Kafka broker,
 * real per-tenant databases): two tenants each upload a different document; each one's chat finds
 * its own document and never the other's; keys of one tenant never open another.
 */
class TwoTenantsEndToEndIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created acme;
    static TestTenants.Created safari;
    static Standalone system;
    static GatewayClient gateway;
    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void startSystemWithTwoTenantsAndOneDocumentEach() throws Exception {
        tenants = new TestTenants(home.resolve("tenants"));
        acme = tenants.create("e2e-acme");
        safari = tenants.create("e2e-safari");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        // after the services started: each Spring Boot start re-initialises logging
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);

        String handbook = uploadAndAwaitIndexed(acme, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        String zebras = uploadAndAwaitIndexed(safari, "zebra-facts.txt", Fixtures.bytes(Fixtures.ZEBRA_FACTS));
        assertThat(handbook).isNotEqualTo(zebras);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void eachTenantsChatFindsItsOwnDocumentWithTheSeedsResponseShape() {
        GatewayClient.Reply reply = gateway.chat(acme.id(), acme.chatKey(), "s-1", "How many vacation days do employees get?");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("context_used").asBoolean()).isTrue();
        assertThat(reply.text("llm_provider")).isEqualTo("extractive");
        assertThat(reply.text("response")).contains("27").contains("[1]");
        JsonNode first = reply.body().path("sources").get(0);
        assertThat(first.path("filename").asString()).isEqualTo("handbook.md");
        assertThat(first.has("chunk_index")).isTrue();
        assertThat(first.path("similarity").asDouble()).isBetween(0.35, 1.0);
        assertThat(first.has("keyword_score")).isTrue();
        assertThat(first.path("combined_score").asDouble()).isPositive();

        GatewayClient.Reply zebras = gateway.chat(safari.id(), safari.chatKey(), "s-1", "Which rivers do the zebras cross?");
        assertThat(zebras.body().path("context_used").asBoolean()).isTrue();
        assertThat(zebras.body().path("sources").findValuesAsString("filename")).containsOnly("zebra-facts.txt");
    }

    @Test
    void aTenantNeverSeesTheOtherTenantsDocument() {
        GatewayClient.Reply acmeAsksAboutZebras = gateway.chat(acme.id(), acme.chatKey(), "s-2", "Which rivers do the zebras cross in the Serengeti?");
        GatewayClient.Reply safariAsksAboutLeave = gateway.chat(safari.id(), safari.chatKey(), "s-2", "How many vacation days do employees get?");

        assertThat(acmeAsksAboutZebras.body().path("sources").findValuesAsString("filename")).doesNotContain("zebra-facts.txt");
        assertThat(safariAsksAboutLeave.body().path("sources").findValuesAsString("filename")).doesNotContain("handbook.md");
        assertThat(safariAsksAboutLeave.toString()).doesNotContain("27 days");
    }

    @Test
    void withoutRelevantContextTheAnswerIsTheSeedsFixedSentence() {
        GatewayClient.Reply reply = gateway.chat(safari.id(), safari.chatKey(), "s-3", "What is the parental leave policy for engineers?");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text("response")).isEqualTo("I don't have enough information to answer that question.");
        assertThat(reply.body().path("sources").size()).isZero();
        assertThat(reply.body().path("context_used").asBoolean()).isFalse();
    }

    @Test
    void aRequestNamingOneTenantWithAnotherTenantsKeyIsRefused() {
        GatewayClient.Reply chat = gateway.chat(acme.id(), safari.chatKey(), "s-4", "How many vacation days do employees get?");
        GatewayClient.Reply upload = gateway.upload(acme.id(), safari.uploadKey(), "x.txt", "hello".getBytes());
        GatewayClient.Reply status = gateway.status(acme.id(), safari.adminKey(), "00000000-0000-0000-0000-000000000000");

        assertThat(chat.status()).isEqualTo(401);
        assertThat(chat.toString()).doesNotContain("27");
        assertThat(upload.status()).isEqualTo(401);
        assertThat(status.status()).isEqualTo(401);
        assertProblem(chat, "Invalid API key");
    }

    @Test
    void debugRagListsTheTenantsDocumentsAndEveryCandidateWithItsRanksBehindTheAdminKey() {
        GatewayClient.Reply documents = gateway.get("/debug-rag?tenant=" + acme.id(), acme.adminKey());
        assertThat(documents.status()).isEqualTo(200);
        JsonNode listed = documents.body().path("documents");
        assertThat(listed.findValuesAsString("filename")).contains("handbook.md").doesNotContain("zebra-facts.txt");
        for (JsonNode document : listed) {
            if (document.path("filename").asString().equals("handbook.md")) {
                assertThat(document.path("status").asString()).isEqualTo("indexed");
            }
        }
        assertThat(documents.body().path("counts").path("indexed").asInt()).isPositive();

        GatewayClient.Reply search = gateway.get("/debug-rag?tenant=" + acme.id() + "&query="
                + java.net.URLEncoder.encode("How many vacation days + sick days?", java.nio.charset.StandardCharsets.UTF_8),
                acme.adminKey());
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.text("query")).isEqualTo("How many vacation days + sick days?");
        JsonNode candidates = search.body().path("candidates");
        assertThat(candidates.size()).isPositive();
        assertThat(candidates.findValuesAsString("filename")).doesNotContain("zebra-facts.txt");
        JsonNode first = candidates.get(0);
        assertThat(first.path("filename").asString()).isEqualTo("handbook.md");
        assertThat(first.path("rank").asInt()).isEqualTo(1);
        assertThat(first.path("vector_rank").asInt()).isPositive();
        assertThat(first.path("keyword_rank").asInt()).as("'vacation' is in the handbook").isPositive();
        assertThat(first.path("excerpt").asString()).isNotBlank();
        for (int i = 1; i < candidates.size(); i++) {
            assertThat(candidates.get(i).path("combined_score").asDouble())
                    .isLessThanOrEqualTo(candidates.get(i - 1).path("combined_score").asDouble());
        }
        assertThat(search.body().path("embedding").path("model").asString()).isNotBlank();

        assertThat(gateway.get("/debug-rag?tenant=" + acme.id()).status()).isEqualTo(401);
        assertThat(gateway.get("/debug-rag?tenant=" + acme.id(), acme.chatKey()).status()).isEqualTo(401);
        assertThat(gateway.get("/debug-rag?tenant=" + acme.id(), safari.adminKey()).status()).isEqualTo(401);
        GatewayClient.Reply safariSearch = gateway.get("/debug-rag?tenant=" + safari.id() + "&query=vacation", safari.adminKey());
        assertThat(safariSearch.body().path("candidates").findValuesAsString("filename")).doesNotContain("handbook.md");
    }

    @Test
    void missingTenantIsBadRequestAndUnknownTenantIsNotFound() {
        GatewayClient.Reply missing = gateway.chat(null, "{\"session_id\": \"s\", \"message\": \"hi\"}");
        GatewayClient.Reply unknown = gateway.chat("no-such-tenant", null, "s", "hi");
        GatewayClient.Reply invalid = gateway.chat("../etc", null, "s", "hi");

        assertThat(missing.status()).isEqualTo(400);
        assertProblem(missing, "Missing tenant_id");
        assertThat(unknown.status()).isEqualTo(404);
        assertProblem(unknown, "Tenant not found");
        assertThat(invalid.status()).isEqualTo(404);
        assertProblem(invalid, "Tenant not found");
        GatewayClient.Reply objectTenant = gateway.chat(null, "{\"tenant_id\": {\"$ne\": 1}, \"session_id\": \"s\", \"message\": \"hi\"}");
        assertThat(objectTenant.status()).isEqualTo(400);
        assertProblem(objectTenant, "tenant_id must be a string");
    }

    @Test
    void uploadWithoutKeyIsUnauthorizedAndStatusOfAnotherTenantsDocumentIsNotFound() {
        GatewayClient.Reply noKey = gateway.upload(acme.id(), null, "x.txt", "hello".getBytes());
        assertThat(noKey.status()).isEqualTo(401);
        assertProblem(noKey, "Missing API key");

        GatewayClient.Reply accepted = gateway.upload(acme.id(), acme.uploadKey(), "note.txt", "A short note about lab 4B.".getBytes());
        String id = accepted.text("document_id");
        GatewayClient.Reply foreign = gateway.status(safari.id(), safari.uploadKey(), id);
        GatewayClient.Reply missing = gateway.status(safari.id(), safari.uploadKey(), "11111111-1111-1111-1111-111111111111");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(withoutInstance(foreign)).isEqualTo(withoutInstance(missing));
    }

    @Test
    void unmappedPathsAnswerProblemJson() {
        GatewayClient.Reply reply = gateway.get("/no/such/path");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.body().has("error")).isTrue();
    }

    /** The body without {@code instance}, which names the requested path. */
    private static JsonNode withoutInstance(GatewayClient.Reply reply) {
        return ((tools.jackson.databind.node.ObjectNode) reply.body().deepCopy()).without("instance");
    }

    @Test
    void everyServiceIsHealthyAndTenantWorkIsMeteredWithATenantTag() {
        for (Standalone.Service service : Standalone.Service.values()) {
            int port = service == Standalone.Service.GATEWAY ? system.gatewayManagementPort() : system.port(service);
            GatewayClient client = new GatewayClient("http://127.0.0.1:" + port);
            assertThat(client.get("/actuator/health").text("status")).as("%s health", service).isEqualTo("UP");
        }
        String gatewayMetrics = new GatewayClient("http://127.0.0.1:" + system.gatewayManagementPort())
                .get("/actuator/prometheus").text("raw");
        String embedMetrics = new GatewayClient("http://127.0.0.1:" + system.port(Standalone.Service.EMBED_WORKER))
                .get("/actuator/prometheus").text("raw");
        assertThat(gatewayMetrics).containsPattern("ragstream_uploads_total\\{[^}]*tenant=\"" + acme.id() + "\"");
        assertThat(embedMetrics).containsPattern("ragstream_documents_indexed_total\\{[^}]*tenant=\"" + safari.id() + "\"")
                .containsPattern("ragstream_documents_time_to_searchable_seconds_count\\{[^}]*tenant=\"" + safari.id() + "\"\\} [1-9]")
                .containsPattern("ragstream_embed_tokens_total\\{[^}]*tenant=\"" + safari.id() + "\"\\} [1-9]")
                .containsPattern("ragstream_embed_chunks_total\\{[^}]*tenant=\"" + safari.id() + "\"\\} [1-9]")
                .containsPattern("ragstream_embed_batch_size_count\\{[^}]*tenant=\"" + safari.id() + "\"\\} [1-9]")
                .containsPattern("ragstream_embed_model_duration_seconds_count\\{provider=\"local\",[^}]*tenant=\"" + safari.id() + "\"\\} [1-9]");
        GatewayClient admin = new GatewayClient("http://127.0.0.1:" + system.port(Standalone.Service.TENANT_ADMIN));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.get("/actuator/prometheus").text("raw"))
                .containsPattern("ragstream_documents_pending\\{[^}]*status=\"queued\",tenant=\"" + acme.id() + "\"\\} \\d"));
    }

    @Test
    void aDocumentWithoutTextFailsWithAReasonAndIsDeadLettered() {
        byte[] noText = "<html><head><title></title><script>var x = 1;</script></head><body>  </body></html>".getBytes();
        GatewayClient.Reply accepted = gateway.upload(acme.id(), acme.uploadKey(), "empty.html", noText);
        String id = accepted.text("document_id");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(gateway.status(acme.id(), acme.uploadKey(), id).text("status")).isEqualTo("failed"));
        assertThat(gateway.status(acme.id(), acme.uploadKey(), id).text("reason")).isEqualTo("no_extractable_text");

        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(java.util.Map.of(
                "bootstrap.servers", system.bootstrapServers(), "group.id", "dlt-check-" + id,
                "auto.offset.reset", "earliest", "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            consumer.subscribe(java.util.List.of(dev.ragstream.schemas.Topics.deadLetter(dev.ragstream.schemas.Topics.UPLOADS)));
            java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> dead = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> id.equals(r.key()));
            });
            var record = dead.stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow();
            assertThat(new String(record.headers().lastHeader("dlt-reason").value())).isEqualTo("no_extractable_text");
            assertThat(new String(record.headers().lastHeader("tenant-id").value())).isEqualTo(acme.id());
        }
        String ingestMetrics = new GatewayClient("http://127.0.0.1:" + system.port(Standalone.Service.INGEST_WORKER))
                .get("/actuator/prometheus").text("raw");
        assertThat(ingestMetrics).containsPattern("ragstream_dead_letters_total\\{[^}]*reason=\"no_extractable_text\"[^}]*"
                + "tenant=\"" + acme.id() + "\"[^}]*topic=\"rag.uploads.v1\"");
    }

    @Test
    void documentTextQuestionsAndKeysNeverReachTheLogs() {
        String canary = "zqxcanary" + System.nanoTime();
        LOGS.list.clear();
        uploadAndAwaitIndexed(acme, "canary.md", ("# Canary\n\nThe secret word is " + canary + " and nothing else.").getBytes());
        gateway.chat(acme.id(), acme.chatKey(), "s-canary", "What is the secret word " + canary + "?");
        gateway.chat(acme.id(), safari.chatKey(), "s-canary", "hello");

        assertThat(LOGS.list).isNotEmpty();
        assertThat(LOGS.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(canary).doesNotContain(acme.chatKey()).doesNotContain(safari.chatKey())
                .doesNotContain(acme.uploadKey()));
    }

    private static void assertProblem(GatewayClient.Reply reply, String message) {
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.text("error")).isEqualTo(message);
        assertThat(reply.text("detail")).isEqualTo(message);
        assertThat(reply.text("type")).startsWith("https://ragstream.dev/problems/");
    }

    static String uploadAndAwaitIndexed(TestTenants.Created tenant, String filename, byte[] content) {
        return uploadAndAwaitIndexed(gateway, tenant, filename, content);
    }

    static String uploadAndAwaitIndexed(GatewayClient gateway, TestTenants.Created tenant, String filename, byte[] content) {
        return uploadAndAwaitIndexed(gateway, tenant, java.util.List.of(GatewayClient.Part.file(filename, content)));
    }

    /** One upload of one file and any form fields; returns the document's id once it is indexed. */
    static String uploadAndAwaitIndexed(GatewayClient gateway, TestTenants.Created tenant, java.util.List<GatewayClient.Part> parts) {
        GatewayClient.Reply accepted = gateway.upload(tenant.id(), tenant.uploadKey(), parts);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.text("status")).isEqualTo("queued");
        String id = accepted.text("document_id");
        assertThat(accepted.text("status_url")).isEqualTo("/upload/status/" + id + "?tenant=" + tenant.id());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            GatewayClient.Reply status = gateway.status(tenant.id(), tenant.uploadKey(), id);
            assertThat(status.text("status")).isNotEqualTo("failed").isEqualTo("indexed");
        });
        return id;
    }
}
