package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.ragstream.schemas.Topics;
import dev.ragstream.standalone.GatewayClient.Part;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two lanes of {@code docs/fairness.md} on the real stack: a tenant with a backlog goes to the
 * bulk lane, under its tenant key, through both stages; a tenant with nothing in the pipeline
 * stays interactive, under document keys; {@code INTERACTIVE_QUEUE_LIMIT} is the tenant's own; and
 * documents of both lanes end indexed.
 */
class FairLanesIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created busy;
    static TestTenants.Created quiet;
    static TestTenants.Created alwaysBulk;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        busy = tenants.create("lane-busy");
        quiet = tenants.create("lane-quiet");
        alwaysBulk = tenants.rewrite(tenants.create("lane-bulk"), Map.of("INTERACTIVE_QUEUE_LIMIT", "0"));
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
    }

    @Test
    void aBacklogGoesToTheBulkLaneUnderItsTenantWhileOthersStayInteractive() throws java.sql.SQLException {
        List<Part> notes = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // more than the default limit of 20 in one request
            notes.add(Part.file("note-" + i + ".md", ("# Note " + i + "\n\nCrate " + i + " holds " + (i * 3)
                    + " bags of green coffee from the lane test.\n").getBytes(StandardCharsets.UTF_8)));
        }
        GatewayClient.Reply backlog = gateway.upload(busy.id(), busy.uploadKey(), notes);
        assertThat(backlog.status()).isEqualTo(202);
        List<String> busyDocuments = backlog.body().path("documents").findValuesAsString("document_id");
        assertThat(activeIndex(busy)).as("loading: no HNSW index yet, queries scan exactly").isEqualTo("none");
        GatewayClient.Reply single = gateway.upload(quiet.id(), quiet.uploadKey(), "single.md",
                "# Single\n\nThe quiet tenant's only note.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(single.status()).isEqualTo(202);
        String quietDocument = single.text("document_id");
        GatewayClient.Reply forced = gateway.upload(alwaysBulk.id(), alwaysBulk.uploadKey(), "forced.md",
                "# Forced\n\nA tenant whose every upload goes bulk.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(forced.status()).isEqualTo(202);
        String forcedDocument = forced.text("document_id");

        List<String> all = new ArrayList<>(busyDocuments);
        all.addAll(List.of(quietDocument, forcedDocument));
        Map<String, List<ConsumerRecord<String, String>>> uploads = records(Topics.uploadTopics(), all);
        busyDocuments.forEach(id -> assertThat(uploads.get(id)).extracting(ConsumerRecord::topic, ConsumerRecord::key)
                .containsOnly(tuple(Topics.BULK_UPLOADS, busy.id())));
        assertThat(uploads.get(forcedDocument)).extracting(ConsumerRecord::topic, ConsumerRecord::key)
                .containsOnly(tuple(Topics.BULK_UPLOADS, alwaysBulk.id()));
        assertThat(uploads.get(quietDocument)).extracting(ConsumerRecord::topic, ConsumerRecord::key)
                .containsOnly(tuple(Topics.UPLOADS, quietDocument));

        for (TestTenants.Created tenant : List.of(busy, quiet, alwaysBulk)) {
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(tenant.query(
                    "SELECT count(*) FROM documents WHERE status NOT IN ('indexed', 'failed')")).containsExactly("0"));
        }
        assertThat(busy.query("SELECT count(*) FROM documents WHERE status = 'indexed'")).containsExactly("25");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(activeIndex(busy)).as("the load is over: the index is built in one go").isEqualTo("ready"));
        assertThat(busy.query("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE c.relname = 'chunk_vectors_g1_hnsw' AND i.indisvalid")).containsExactly("1");
        GatewayClient.Reply chat = gateway.chat(busy.id(), busy.chatKey(), "s-lanes", "How many bags does crate 7 hold?");
        assertThat(chat.status()).isEqualTo(200);
        assertThat(chat.body().path("sources").findValuesAsString("filename")).contains("note-7.md");
        assertThat(quiet.query("SELECT status FROM documents")).containsExactly("indexed");
        Map<String, List<ConsumerRecord<String, String>>> chunks = records(Topics.chunkTopics(), all);
        busyDocuments.forEach(id -> assertThat(chunks.get(id)).as("a document keeps its lane")
                .extracting(ConsumerRecord::topic, ConsumerRecord::key)
                .containsOnly(tuple(Topics.BULK_CHUNKS, busy.id())));
        assertThat(chunks.get(forcedDocument)).extracting(ConsumerRecord::topic)
                .containsOnly(Topics.BULK_CHUNKS);
        assertThat(chunks.get(quietDocument)).extracting(ConsumerRecord::topic, ConsumerRecord::key)
                .containsOnly(tuple(Topics.CHUNKS, quietDocument));
    }

    @Test
    void aDocumentThatFailsInTheBulkLaneIsMarkedFailedAndItsDeadLetterNamesIt() {
        byte[] noText = "<html><head><title></title></head><body>  </body></html>".getBytes(StandardCharsets.UTF_8);
        String failed = gateway.upload(alwaysBulk.id(), alwaysBulk.uploadKey(), "empty.html", noText).text("document_id");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                gateway.status(alwaysBulk.id(), alwaysBulk.uploadKey(), failed).text("reason")).isEqualTo("no_extractable_text"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            GatewayClient.Reply letters = gateway.admin("GET", "/admin/dead-letters?size=100", alwaysBulk.id(),
                    alwaysBulk.adminKey(), null);
            assertThat(letters.status()).isEqualTo(200);
            assertThat(letters.body().toString()).contains("\"document_id\":\"" + failed + "\"")
                    .contains("\"original_topic\":\"rag.uploads.bulk.v1\"");
        });
    }

    /** The index state of the tenant's active embedding generation, as the admin API shows it. */
    private static String activeIndex(TestTenants.Created tenant) {
        GatewayClient.Reply reply = gateway.admin("GET", "/admin/embeddings", tenant.id(), tenant.adminKey(), null);
        assertThat(reply.status()).isEqualTo(200);
        for (var generation : reply.body().path("generations")) {
            if ("active".equals(generation.path("state").asString())) {
                return generation.path("index").asString();
            }
        }
        throw new AssertionError("no active generation: " + reply.body());
    }

    /** The records of {@code topics} from the start, by document, once each of {@code documents} has one. */
    private static Map<String, List<ConsumerRecord<String, String>>> records(List<String> topics, List<String> documents) {
        Map<String, List<ConsumerRecord<String, String>>> byDocument = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", system.bootstrapServers(), "group.id", "lanes-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            consumer.subscribe(topics);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> byDocument.computeIfAbsent(
                        GatewayClient.JSON.readTree(r.value()).path("documentId").asString(), d -> new ArrayList<>()).add(r));
                return byDocument.keySet().containsAll(documents);
            });
        }
        return byDocument;
    }
}
