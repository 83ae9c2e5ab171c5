package dev.ragstream.embed.indexing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentChunked;
import dev.ragstream.schemas.Topics;
import dev.ragstream.testsupport.postgres.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.kafka.listener.BatchListenerFailedException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embed listener on a real ragdb and the local model: a poll is embedded a part at a time and
 * each part written while the next is embedded, yet the writes keep the poll's order. A message
 * that fails is reported by its place; the messages before it are indexed, those after it are not
 * written, and they are indexed when they come again.
 */
class PollWritesIT {

    private static final String TENANT = "poll-writes-" + UUID.randomUUID().toString().substring(0, 8);
    private static final int CHUNKS = 30; // three documents fill a part: a poll of nine has three parts
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final TestDatabase ragdb = new TestDatabase();

    static Path tenants;
    static TenantRegistry registry;
    static TenantDataSources dataSources;
    static EmbeddingModels models;
    static DocumentChunkedListener listener;

    @BeforeAll
    static void listenerOnARealRagdb() throws IOException {
        tenants = Files.createTempDirectory("ragstream-poll-writes-it");
        URI server = URI.create(ragdb.jdbcUrl().substring("jdbc:".length()));
        String password = System.getenv().getOrDefault("RAGSTREAM_TEST_PG_PASSWORD", "");
        DatabaseProvisioner.migrate(new DatabaseTarget(server.getHost(), server.getPort(), ragdb.name(), ragdb.user(), password),
                DatabaseProvisioner.Kind.RAGDB);
        Files.createDirectories(tenants.resolve(TENANT));
        Files.writeString(tenants.resolve(TENANT).resolve(".env"), "TENANT_ID=" + TENANT + "\nDB_HOST=" + server.getHost()
                + "\nDB_PORT=" + server.getPort() + "\nDB_NAME=" + ragdb.name() + "\nDB_USER=" + ragdb.user()
                + "\nDB_PASSWORD=" + password + "\nEMBEDDING_MODEL=" + EmbeddingSettings.LOCAL_MODEL_INT8 + "\n");
        registry = new TenantRegistry(tenants, Duration.ZERO);
        dataSources = new TenantDataSources(registry, 4, Duration.ofMinutes(1), Duration.ofSeconds(10), 8);
        models = new EmbeddingModels(MiniLmEmbeddingModel.load(MiniLmEmbeddingModel.Variant.INT8));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        listener = new DocumentChunkedListener(registry, models, new ChunkWriter(dataSources),
                new ProviderBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Clock.systemUTC()), new TenantMetrics(meters),
                JSON, meters);
    }

    @AfterAll
    static void close() {
        listener.stopWrites();
        models.close();
        dataSources.close();
        registry.close();
    }

    @Test
    void aFailedMessageStopsTheWritesAtItsPlaceAndTheMessagesAfterItAreIndexedWhenTheyComeAgain() throws Exception {
        List<UUID> documents = new ArrayList<>();
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            UUID document = queuedForEmbedding();
            documents.add(document);
            poll.add(record(poll.size(), document, JSON.writeValueAsString(chunked(document))));
            if (i == 3) { // in the second part, with a part after it
                poll.add(record(poll.size(), UUID.randomUUID(), "{\"not\": \"a DocumentChunked\""));
            }
        }
        assertThat(CHUNKS * 3).isGreaterThanOrEqualTo(DocumentChunkedListener.PART_TEXTS);

        assertThatThrownBy(() -> listener.onBulk(poll)).isInstanceOfSatisfying(BatchListenerFailedException.class,
                e -> assertThat(e.getIndex()).isEqualTo(4));

        assertThat(statuses(documents)).containsExactly(
                "indexed 30/30", "indexed 30/30", "indexed 30/30", "indexed 30/30",
                "embedding 0/0", "embedding 0/0", "embedding 0/0", "embedding 0/0");

        listener.onBulk(poll.subList(5, poll.size()));

        assertThat(statuses(documents)).containsOnly("indexed 30/30");
    }

    /** A document row waiting for its chunks, version 1. */
    private static UUID queuedForEmbedding() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = ragdb.connect(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status, queued_at)
                VALUES (?, ?, 'text/plain', 1, repeat('0', 64), 'embedding', now())""")) {
            ps.setObject(1, id);
            ps.setString(2, id + ".txt");
            ps.executeUpdate();
        }
        return id;
    }

    private static DocumentChunked chunked(UUID document) {
        List<DocumentChunked.Chunk> chunks = IntStream.range(0, CHUNKS).mapToObj(i -> new DocumentChunked.Chunk(i,
                "Paragraph " + i + " of document " + document + " on the care of copper kettles.", null, 1, 24)).toList();
        return new DocumentChunked(UUID.randomUUID(), TENANT, document, 1, CHUNKS, chunks, Instant.now());
    }

    private static ConsumerRecord<String, String> record(int offset, UUID document, String value) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>(Topics.BULK_CHUNKS, 0, offset, TENANT, value);
        record.headers().add(Topics.HEADER_DOCUMENT_ID, document.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return record;
    }

    /** Per document, in order: its status, its stored chunks and their vectors. */
    private static List<String> statuses(List<UUID> documents) throws SQLException {
        List<String> statuses = new ArrayList<>();
        try (Connection c = ragdb.connect(); Statement st = c.createStatement()) {
            for (UUID document : documents) {
                try (ResultSet rs = st.executeQuery("SELECT status || ' ' || (SELECT count(*) FROM chunks WHERE document_id = d.id)"
                        + " || '/' || (SELECT count(*) FROM chunk_vectors WHERE document_id = d.id) FROM documents d WHERE id = '"
                        + document + "'")) {
                    rs.next();
                    statuses.add(rs.getString(1));
                }
            }
        }
        return statuses;
    }
}
