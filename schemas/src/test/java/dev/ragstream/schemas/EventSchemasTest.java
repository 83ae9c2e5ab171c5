package dev.ragstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class EventSchemasTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final DocumentUploaded uploaded = new DocumentUploaded(UUID.randomUUID(), "acme-corp", UUID.randomUUID(), 1,
            "handbook.md", "text/markdown", 1234, "a".repeat(64), URI.create("file:///var/staging/x"), Instant.now());

    private final DocumentChunked chunked = new DocumentChunked(UUID.randomUUID(), "acme-corp", UUID.randomUUID(), 1, 2,
            List.of(new DocumentChunked.Chunk(0, "Leave policy", "Handbook > Leave", null, 3),
                    new DocumentChunked.Chunk(1, "Parental leave is 20 weeks.", "Handbook > Leave", 2, 7)),
            Instant.now());

    @Test
    void documentUploadedMatchesItsSchemaAndRoundTrips() {
        JsonNode json = JSON.valueToTree(uploaded);
        assertThat(errors("DocumentUploaded", json)).isEmpty();
        assertThat(JSON.treeToValue(json, DocumentUploaded.class)).isEqualTo(uploaded);
    }

    @Test
    void documentChunkedMatchesItsSchemaAndRoundTrips() {
        JsonNode json = JSON.valueToTree(chunked);
        assertThat(errors("DocumentChunked", json)).isEmpty();
        assertThat(JSON.treeToValue(json, DocumentChunked.class)).isEqualTo(chunked);
    }

    @Test
    void schemaRejectsTenantIdWithPathSeparators() {
        ObjectNode json = JSON.valueToTree(uploaded);
        json.put("tenantId", "../etc");
        assertThat(errors("DocumentUploaded", json)).isNotEmpty();
    }

    @Test
    void schemaRejectsUnknownFields() {
        ObjectNode json = JSON.valueToTree(chunked);
        json.put("documentText", "should never travel here");
        assertThat(errors("DocumentChunked", json)).isNotEmpty();
    }

    @Test
    void everyTopicHasItsDeadLetterTopic() {
        assertThat(Topics.all()).containsExactly("rag.uploads.v1", "rag.uploads.v1-dlt", "rag.uploads.bulk.v1",
                "rag.uploads.bulk.v1-dlt", "rag.chunks.v1", "rag.chunks.v1-dlt", "rag.chunks.bulk.v1", "rag.chunks.bulk.v1-dlt");
        assertThat(Topics.deadLetters()).containsExactly("rag.uploads.v1-dlt", "rag.uploads.bulk.v1-dlt", "rag.chunks.v1-dlt",
                "rag.chunks.bulk.v1-dlt");
    }

    @Test
    void aDocumentKeepsItsLaneThroughTheStagesAndTheDeadLetters() {
        UUID document = UUID.randomUUID();
        assertThat(Topics.Lane.of("rag.uploads.bulk.v1")).isEqualTo(Topics.Lane.BULK);
        assertThat(Topics.Lane.of("rag.chunks.bulk.v1-dlt")).isEqualTo(Topics.Lane.BULK);
        assertThat(Topics.Lane.of("rag.uploads.v1-dlt")).isEqualTo(Topics.Lane.INTERACTIVE);
        assertThat(Topics.Lane.of(Topics.Lane.BULK.uploads()).chunks()).isEqualTo("rag.chunks.bulk.v1");
        assertThat(Topics.Lane.BULK.key("acme", document)).as("a bulk tenant's backlog stays on one partition").isEqualTo("acme");
        assertThat(Topics.Lane.INTERACTIVE.key("acme", document)).isEqualTo(document.toString());
        assertThatThrownBy(() -> Topics.Lane.of("rag.other.v1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Error> errors(String event, JsonNode json) {
        try (InputStream in = EventSchemasTest.class.getResourceAsStream("/schemas/" + event + ".schema.json")) {
            Schema schema = SCHEMAS.getSchema(in);
            return schema.validate(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("schema " + event + " unreadable", e);
        }
    }
}
