package dev.ragstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** The settings under the names docs/configuration.md gives them. */
class IngestPropertiesTest {

    @Test
    void doclingLimitsHaveDefaults() {
        IngestProperties.Docling docling = bind(Map.of()).docling();

        assertThat(docling).isEqualTo(new IngestProperties.Docling(200, DataSize.ofMegabytes(50), Duration.ofSeconds(120),
                5, Duration.ofSeconds(60)));
    }

    @Test
    void doclingLimitsAreReadFromRagstreamIngestDocling() {
        IngestProperties.Docling docling = bind(Map.of("ragstream.ingest.docling.max-pages", "12",
                "ragstream.ingest.docling.max-bytes", "3MB", "ragstream.ingest.docling.timeout", "45s",
                "ragstream.ingest.docling.breaker-minimum-calls", "8", "ragstream.ingest.docling.breaker-open-for", "2m")).docling();

        assertThat(docling).isEqualTo(new IngestProperties.Docling(12, DataSize.ofMegabytes(3), Duration.ofSeconds(45),
                8, Duration.ofMinutes(2)));
    }

    @Test
    void parserProcessesHaveATimeoutAndAHeap() {
        assertThat(bind(Map.of()).parser()).isEqualTo(new IngestProperties.Parser(Duration.ofSeconds(120), DataSize.ofMegabytes(512)));
        assertThat(bind(Map.of("ragstream.ingest.parser.timeout", "30s", "ragstream.ingest.parser.heap", "1GB")).parser())
                .isEqualTo(new IngestProperties.Parser(Duration.ofSeconds(30), DataSize.ofGigabytes(1)));
    }

    private static IngestProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("ragstream.ingest", IngestProperties.class);
    }
}
