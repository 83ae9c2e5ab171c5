package dev.ragstream.ingest;

import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.TokenCounter;
import dev.ragstream.ingest.chunking.Chunker;
import dev.ragstream.ingest.chunking.ParagraphChunker;
import dev.ragstream.ingest.conversion.ForkedConverter;
import dev.ragstream.ingest.conversion.RoutingDocumentConverter;
import dev.ragstream.platform.PlatformConfiguration;
import dev.ragstream.platform.metrics.TenantMetrics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/** The ingest worker service; configuration in {@code ingest-worker.yml}. */
@SpringBootApplication
@Import(PlatformConfiguration.class)
@EnableConfigurationProperties(IngestProperties.class)
public class IngestWorkerApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(IngestWorkerApplication.class).properties("spring.config.name=ingest-worker");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean(destroyMethod = "close")
    MiniLmEmbeddingModel tokenizerModel() {
        return MiniLmEmbeddingModel.load();
    }

    /**
     * Docling for tenants with a {@code DOCLING_SERVICE_URL}, Tika for the others and as the
     * fallback — Tika in parser processes of their own, so a document that hangs or exhausts
     * memory fails alone (the processes end with this bean).
     */
    @Bean(destroyMethod = "close")
    RoutingDocumentConverter documentConverter(IngestProperties properties, JsonMapper json, TenantMetrics metrics) {
        ForkedConverter tika = new ForkedConverter(properties.maxChars(), properties.parser().timeout(),
                (int) properties.parser().heap().toMegabytes());
        return new RoutingDocumentConverter(tika, properties.docling(), properties.maxChars(), json, metrics);
    }

    @Bean
    Chunker chunker(TokenCounter tokens) {
        return new ParagraphChunker(tokens);
    }
}
