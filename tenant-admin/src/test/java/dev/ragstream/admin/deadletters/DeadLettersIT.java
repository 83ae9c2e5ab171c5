package dev.ragstream.admin.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.admin.TenantAdminApplication;
import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.Topics;
import dev.ragstream.testsupport.kafka.SharedKafka;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dead-letter endpoints of the real tenant-admin on the in-JVM Kafka broker and two tenants'
 * own ragdbs: a tenant sees and redrives only its own letters, a redrive re-publishes the event
 * to its original topic and queues the document's next version, and a second redrive does nothing.
 */
@SpringBootTest(classes = TenantAdminApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=tenant-admin")
class DeadLettersIT {

    private static final String SECRET = "dead-letters-it-internal-secret-0123";
    private static final String TEXT_CANARY = "canary-chunk-text-7f3e";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final TestDatabase ragdbA = new TestDatabase();
    @RegisterExtension
    static final TestDatabase ragdbB = new TestDatabase();

    static final String A = "dlt-a-" + UUID.randomUUID().toString().substring(0, 8);
    static final String B = "dlt-b-" + UUID.randomUUID().toString().substring(0, 8);
    static final Path tenants = tempDir();
    static DeadLetterFixtures kafka;

    @DynamicPropertySource
    static void tenantAdmin(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> SharedKafka.broker().bootstrapServers());
        registry.add("ragstream.platform.tenants-dir", tenants::toString);
        registry.add("ragstream.platform.staging-dir", () -> tenants.resolve("staging").toString());
        registry.add("ragstream.platform.internal-secret", () -> SECRET);
    }

    @BeforeAll
    static void tenantsWithTheirOwnRagdb() throws IOException {
        writeTenant(A, ragdbA);
        writeTenant(B, ragdbB);
        SharedKafka.broker().createTopics(Topics.all().toArray(String[]::new));
        kafka = new DeadLetterFixtures();
    }

    @AfterAll
    static void closeKafka() {
        kafka.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    DeadLetterReader reader;
    @Autowired
    TenantDataSources dataSources;
    @Autowired
    TenantRegistry registry;

    UUID failedUploadOfA;
    UUID failedUploadOfB;
    UUID failedEmbeddingOfA;
    UUID failedPartialChunksOfA;

    @BeforeEach
    void failedDocumentsAndTheirDeadLetters() throws SQLException {
        failedUploadOfA = insertFailed(ragdbA, 1, "unsupported_type", null);
        failedUploadOfB = insertFailed(ragdbB, 1, "unsupported_type", null);
        failedEmbeddingOfA = insertFailed(ragdbA, 2, "retries_exhausted", "# Converted");
        failedPartialChunksOfA = insertFailed(ragdbA, 3, "retries_exhausted", "# Converted");
        kafka.deadLetter(Topics.UPLOADS, 2, 41, A, failedUploadOfA.toString(), "corr-a", upload(A, failedUploadOfA, 1), "unsupported_type");
        kafka.deadLetter(Topics.UPLOADS, 1, 7, B, failedUploadOfB.toString(), "corr-b", upload(B, failedUploadOfB, 1), "unsupported_type");
        kafka.deadLetter(Topics.CHUNKS, 0, 12, A, failedEmbeddingOfA.toString(), "corr-e", chunks(A, failedEmbeddingOfA, 2, 2, 2), "retries_exhausted");
        kafka.deadLetter(Topics.CHUNKS, 3, 99, A, failedPartialChunksOfA.toString(), "corr-p", chunks(A, failedPartialChunksOfA, 3, 5, 2), "retries_exhausted");
    }

    @Test
    void aTenantSeesOnlyItsOwnDeadLettersWithCoordinatesReasonAndNeitherTextNorStackTrace() {
        JsonNode upload = letterOf(A, failedUploadOfA);
        HttpResponse<String> list = call("GET", A, "/admin/dead-letters?size=100");

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(documentIds(A)).contains(failedUploadOfA.toString(), failedEmbeddingOfA.toString())
                .doesNotContain(failedUploadOfB.toString());
        assertThat(documentIds(B)).contains(failedUploadOfB.toString()).doesNotContain(failedUploadOfA.toString());
        assertThat(upload.path("topic").asString()).isEqualTo("rag.uploads.v1-dlt");
        assertThat(upload.path("id").asString()).isEqualTo("rag.uploads.v1-dlt:" + upload.path("partition").asInt() + ":"
                + upload.path("offset").asLong());
        assertThat(upload.path("version").asInt()).isEqualTo(1);
        assertThat(upload.path("reason").asString()).isEqualTo("unsupported_type");
        assertThat(upload.path("original_topic").asString()).isEqualTo("rag.uploads.v1");
        assertThat(upload.path("original_partition").asInt()).isEqualTo(2);
        assertThat(upload.path("original_offset").asLong()).isEqualTo(41);
        assertThat(upload.path("exception").asString()).isEqualTo(PermanentException.class.getName());
        assertThat(upload.path("timestamp").asString()).isNotEmpty();
        assertThat(letterOf(A, failedEmbeddingOfA).path("original_topic").asString()).isEqualTo("rag.chunks.v1");
        assertThat(list.body()).doesNotContain(TEXT_CANARY, "stacktrace", "\tat ", "failed: unsupported_type", "report.pdf");
    }

    @Test
    void redriveRepublishesTheUploadWithItsHeadersQueuesTheNextVersionAndASecondRedriveDoesNothing() throws SQLException {
        String id = letterOf(A, failedUploadOfA).path("id").asString();
        Map<TopicPartition, Long> before = kafka.ends(Topics.UPLOADS);

        HttpResponse<String> first = call("POST", A, "/admin/dead-letters/redrive?id=" + id);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode firstBody = JSON.readTree(first.body());
        assertThat(firstBody.path("redriven").asInt()).isEqualTo(1);
        assertThat(firstBody.path("items").get(0).path("version").asInt()).isEqualTo(2);
        assertThat(documentRow(ragdbA, failedUploadOfA)).isEqualTo("queued|2|null");
        List<ConsumerRecord<String, String>> published = keyed(kafka.since(before), failedUploadOfA);
        assertThat(published).hasSize(1);
        ConsumerRecord<String, String> event = published.get(0);
        JsonNode payload = JSON.readTree(event.value());
        assertThat(DeadLetterFixtures.header(event, Topics.HEADER_TENANT_ID)).isEqualTo(A);
        assertThat(DeadLetterFixtures.header(event, Topics.HEADER_CORRELATION_ID)).isEqualTo("corr-a");
        assertThat(DeadLetterFixtures.header(event, Topics.HEADER_EVENT_ID)).isEqualTo(payload.path("eventId").asString())
                .isNotEqualTo("00000000-0000-0000-0000-00000000e1e1");
        assertThat(event.headers().lastHeader(Topics.HEADER_DLT_REASON)).isNull();
        assertThat(payload.path("version").asInt()).isEqualTo(2);
        assertThat(payload.path("stagedAt").asString()).isEqualTo("file:///staging/" + failedUploadOfA);
        assertThat(payload.path("filename").asString()).isEqualTo("report.pdf");

        Map<TopicPartition, Long> afterFirst = kafka.ends(Topics.UPLOADS);
        HttpResponse<String> second = call("POST", A, "/admin/dead-letters/redrive?id=" + id);

        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode secondBody = JSON.readTree(second.body());
        assertThat(secondBody.path("redriven").asInt()).isZero();
        assertThat(secondBody.path("items").get(0).path("outcome").asString()).isEqualTo("skipped");
        assertThat(secondBody.path("items").get(0).path("detail").asString()).isEqualTo("document moved on: queued at version 2");
        assertThat(keyed(kafka.since(afterFirst), failedUploadOfA)).isEmpty();
        assertThat(documentRow(ragdbA, failedUploadOfA)).isEqualTo("queued|2|null");
    }

    @Test
    void aRedriveKafkaDoesNotAcknowledgeLeavesTheDocumentFailedAtTheLettersVersionToBeRedrivenAgain() throws Exception {
        DeadLetter letter = reader.read(TenantId.of(A)).stream().filter(l -> failedUploadOfA.equals(l.documentId())).findFirst()
                .orElseThrow();
        int nowhere;
        try (ServerSocket socket = new ServerSocket(0)) { // a port no broker listens on
            nowhere = socket.getLocalPort();
        }
        DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + nowhere, ProducerConfig.MAX_BLOCK_MS_CONFIG, 500,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        try {
            DeadLetterRedriver unacknowledged = new DeadLetterRedriver(dataSources,
                    new EventPublisher(new KafkaTemplate<>(producers), JSON, Duration.ofSeconds(2)));

            assertThatThrownBy(() -> unacknowledged.redrive(registry.find(A).orElseThrow(), letter))
                    .isInstanceOf(RetryableException.class);
            assertThat(documentRow(ragdbA, failedUploadOfA)).isEqualTo("failed|1|unsupported_type");
        } finally {
            producers.destroy();
        }

        HttpResponse<String> again = call("POST", A, "/admin/dead-letters/redrive?id=" + letter.id());

        assertThat(JSON.readTree(again.body()).path("redriven").asInt()).as(again.body()).isEqualTo(1);
        assertThat(documentRow(ragdbA, failedUploadOfA)).isEqualTo("queued|2|null");
    }

    @Test
    void redrivingAllOfATenantsLettersSendsChunksBackAndRechunksPartialOnesButNeverTouchesAnotherTenant() throws SQLException {
        Map<TopicPartition, Long> chunksBefore = kafka.ends(Topics.CHUNKS);
        Map<TopicPartition, Long> uploadsBefore = kafka.ends(Topics.UPLOADS);

        HttpResponse<String> all = call("POST", A, "/admin/dead-letters/redrive");

        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(all.body()).doesNotContain(failedUploadOfB.toString());
        assertThat(documentRow(ragdbA, failedEmbeddingOfA)).isEqualTo("embedding|3|null");
        assertThat(documentRow(ragdbA, failedPartialChunksOfA)).isEqualTo("queued|4|null");
        assertThat(documentRow(ragdbB, failedUploadOfB)).isEqualTo("failed|1|unsupported_type");
        List<ConsumerRecord<String, String>> chunks = keyed(kafka.since(chunksBefore), failedEmbeddingOfA);
        assertThat(chunks).hasSize(1);
        assertThat(JSON.readTree(chunks.get(0).value()).path("version").asInt()).isEqualTo(3);
        assertThat(JSON.readTree(chunks.get(0).value()).path("chunks").size()).isEqualTo(2);
        List<ConsumerRecord<String, String>> rechunk = keyed(kafka.since(uploadsBefore), failedPartialChunksOfA);
        assertThat(rechunk).hasSize(1);
        assertThat(JSON.readTree(rechunk.get(0).value()).path("version").asInt()).isEqualTo(4);
        assertThat(JSON.readTree(rechunk.get(0).value()).path("stagedAt").isNull()).isTrue();
        assertThat(kafka.since(uploadsBefore)).noneMatch(r -> B.equals(DeadLetterFixtures.header(r, Topics.HEADER_TENANT_ID)));
    }

    @Test
    void anotherTenantsLetterCannotBeRedrivenAndAnUnknownOneIsNotFound() throws SQLException {
        String letterOfB = letterOf(B, failedUploadOfB).path("id").asString();

        HttpResponse<String> foreign = call("POST", A, "/admin/dead-letters/redrive?id=" + letterOfB);
        HttpResponse<String> unknown = call("POST", A, "/admin/dead-letters/redrive?id=rag.uploads.v1-dlt:0:999999");

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).contains("Dead letter not found").doesNotContain(failedUploadOfB.toString());
        assertThat(unknown.body()).contains("Dead letter not found");
        assertThat(documentRow(ragdbB, failedUploadOfB)).isEqualTo("failed|1|unsupported_type");
    }

    private JsonNode letterOf(String tenant, UUID document) {
        HttpResponse<String> list = call("GET", tenant, "/admin/dead-letters?size=100");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        return JSON.readTree(list.body()).path("items").valueStream()
                .filter(item -> item.path("document_id").asString().equals(document.toString()))
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter of " + document + " in " + list.body()));
    }

    private List<String> documentIds(String tenant) {
        return JSON.readTree(call("GET", tenant, "/admin/dead-letters?size=100").body()).path("items").valueStream()
                .map(item -> item.path("document_id").asString()).toList();
    }

    private static List<ConsumerRecord<String, String>> keyed(List<ConsumerRecord<String, String>> records, UUID document) {
        return records.stream().filter(r -> document.toString().equals(r.key())).toList();
    }

    private HttpResponse<String> call(String method, String tenant, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Internal-Secret", SECRET).header("X-Tenant-ID", tenant)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static UUID insertFailed(TestDatabase db, int version, String reason, String markdown) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status, reason, version, markdown, staged_at)
                VALUES (?, 'report.pdf', 'application/pdf', 1234, ?, 'failed', ?, ?, ?, ?)""")) {
            ps.setObject(1, id);
            ps.setString(2, "a".repeat(64));
            ps.setString(3, reason);
            ps.setInt(4, version);
            ps.setString(5, markdown);
            ps.setString(6, "file:///staging/" + id);
            ps.executeUpdate();
        }
        return id;
    }

    private static String documentRow(TestDatabase db, UUID id) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT status, version, reason FROM documents WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1) + "|" + rs.getInt(2) + "|" + rs.getString(3);
            }
        }
    }

    private static String upload(String tenant, UUID document, int version) {
        return """
                {"eventId":"00000000-0000-0000-0000-00000000e1e1","tenantId":"%s","documentId":"%s","version":%d,\
                "filename":"report.pdf","contentType":"application/pdf","sizeBytes":1234,"sha256":"%s",\
                "stagedAt":"file:///staging/%s","acceptedAt":"2026-11-27T08:00:00Z"}""".formatted(tenant, document, version,
                "a".repeat(64), document);
    }

    private static String chunks(String tenant, UUID document, int version, int total, int inLetter) {
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < inLetter; i++) {
            chunks.append(i == 0 ? "" : ",").append("""
                    {"index":%d,"text":"%s %d","headingPath":null,"page":null,"tokenCount":3}""".formatted(i, TEXT_CANARY, i));
        }
        return """
                {"eventId":"00000000-0000-0000-0000-00000000e1e1","tenantId":"%s","documentId":"%s","version":%d,\
                "totalChunks":%d,"chunks":[%s],"chunkedAt":"2026-11-27T08:00:00Z"}""".formatted(tenant, document, version, total, chunks);
    }

    private static void writeTenant(String id, TestDatabase db) throws IOException {
        URI server = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        String password = System.getenv().getOrDefault("RAGSTREAM_TEST_PG_PASSWORD", "");
        DatabaseProvisioner.migrate(new DatabaseTarget(server.getHost(), server.getPort(), db.name(), db.user(), password),
                DatabaseProvisioner.Kind.RAGDB);
        Files.createDirectories(tenants.resolve(id));
        Files.writeString(tenants.resolve(id).resolve(".env"), "TENANT_ID=" + id + "\nDB_HOST=" + server.getHost()
                + "\nDB_PORT=" + server.getPort() + "\nDB_NAME=" + db.name() + "\nDB_USER=" + db.user()
                + "\nDB_PASSWORD=" + password + "\n");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ragstream-dead-letters-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
