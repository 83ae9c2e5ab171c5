package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.web.ApiException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DocumentLabelsTest {

    private static UploadIntake.Staged file(String contentType, URI source) {
        return new UploadIntake.Staged(UUID.randomUUID(), "a", contentType, new StagingStore.Staged(URI.create("file:///staged"), 1, "0".repeat(64)), source);
    }

    @Test
    void aDocumentGetsTheKindOfItsContentUnlessTheUploadNamesItsType() {
        DocumentLabels none = new DocumentLabels();
        assertThat(none.metadata(file("application/pdf", null))).containsExactly(Map.entry("document_type", "pdf"));
        assertThat(none.metadata(file("text/plain", URI.create("https://example.com/a"))))
                .containsExactly(Map.entry("source_url", "https://example.com/a"), Map.entry("document_type", "text"));

        DocumentLabels given = DocumentLabels.of(JsonMapper.shared().readTree(
                "{\"url\": \"https://example.com\", \"speaker\": \" Ada Lovelace \", \"document_type\": \"Transcript\", \"topic\": null}"));
        assertThat(given.metadata(file("text/html", null)))
                .containsExactly(Map.entry("document_type", "transcript"), Map.entry("speaker", "Ada Lovelace"));
    }

    @Test
    void labelsThatAreBlankTooLongMultiLineOrNoStringAreRefused() {
        DocumentLabels labels = new DocumentLabels();
        assertThatThrownBy(() -> labels.put("speaker", "  ")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> labels.put("topic", "t".repeat(201))).hasMessage("topic must be 1-200 characters on one line");
        assertThatThrownBy(() -> labels.put("speaker", "Ada\nEvil: yes")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> labels.put("document_type", "white paper"))
                .hasMessage("document_type must be 1-40 lowercase letters, digits, '.', '-' or '_'");
        assertThatThrownBy(() -> DocumentLabels.of(JsonMapper.shared().readTree("{\"topic\": 3}")))
                .hasMessage("topic must be a string");
    }
}
