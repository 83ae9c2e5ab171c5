package dev.ragstream.ingest;

import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.TokenCounter;
import dev.ragstream.ingest.chunking.Chunker;
import dev.ragstream.ingest.chunking.ParagraphChunker;
import dev.ragstream.ingest.conversion.DocumentConverter;
import dev.ragstream.ingest.conversion.TikaDocumentConverter;
import dev.ragstream.platform.PlatformConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

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

    @Bean
    DocumentConverter documentConverter(IngestProperties properties) {
        return new TikaDocumentConverter(properties.maxChars());
    }

    @Bean
    Chunker chunker(TokenCounter tokens) {
        return new ParagraphChunker(tokens);
    }
}
