package dev.ragstream.query.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class MetadataFilterTest {

    private static MetadataFilter parse(String json) {
        return MetadataFilter.of(JsonMapper.shared().readTree(json));
    }

    @Test
    void eachGivenFilterBecomesOneConditionInAFixedOrderAndBlankOnesFilterNothing() {
        MetadataFilter filter = parse("{\"filename\": \"a.pdf\", \"speaker\": \" Ada \", \"topic\": \"\", \"document_type\": null}");

        assertThat(filter.values()).containsOnly(Map.entry("speaker", "Ada"), Map.entry("filename", "a.pdf"));
        assertThat(filter.sql()).isEqualTo(" AND lower(d.metadata->>'speaker') = lower(?) AND lower(d.filename) = lower(?)");
        assertThat(parse("{\"topic\": \"  \"}").isEmpty()).isTrue();
        assertThat(MetadataFilter.of((tools.jackson.databind.JsonNode) null)).isSameAs(MetadataFilter.NONE);
        assertThat(MetadataFilter.NONE.sql()).isEmpty();
        assertThat(parse("{\"file_id\": \"0b0e4a4e-8a2b-4c1e-9d4f-0a1b2c3d4e5f\"}").sql()).isEqualTo(" AND d.id = ?::uuid");
    }

    @Test
    void unknownFiltersWrongTypesAndMalformedIdsAreRefusedByName() {
        assertThatThrownBy(() -> parse("{\"colour\": \"red\"}")).hasMessage(
                "Unknown metadata filter 'colour'; known are speaker, topic, file_id, document_type, filename");
        assertThatThrownBy(() -> parse("{\"speaker\": [\"Ada\"]}")).hasMessage("metadata.speaker must be a string");
        assertThatThrownBy(() -> parse("[1]")).hasMessageStartingWith("metadata must be an object");
        assertThatThrownBy(() -> parse("{\"file_id\": \"x'; DROP TABLE documents; --\"}"))
                .hasMessage("metadata.file_id must be a document id (a UUID)");
        assertThatThrownBy(() -> parse("{\"topic\": \"" + "t".repeat(501) + "\"}")).hasMessageContaining("at most 500");
    }
}
