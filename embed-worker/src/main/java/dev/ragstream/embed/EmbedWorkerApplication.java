package dev.ragstream.embed;

import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.platform.PlatformConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The embed worker service; configuration in {@code embed-worker.yml}. */
@SpringBootApplication
@Import(PlatformConfiguration.class)
public class EmbedWorkerApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(EmbedWorkerApplication.class).properties("spring.config.name=embed-worker");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean(destroyMethod = "close")
    MiniLmEmbeddingModel embeddingModel() {
        return MiniLmEmbeddingModel.load();
    }
}
