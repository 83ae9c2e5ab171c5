package dev.ragstream.embed;

import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.OpenAiEmbeddingOptions;
import dev.ragstream.platform.PlatformConfiguration;
import java.time.Duration;
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

    /**
     * Each tenant's embedding model; remote calls: one attempt of at most 30 s per batch. A call
     * that is limited or fails is not retried in place (that would hold up a lane for every
     * tenant): the tenant waits alone, its chunks deferred (see {@code ProviderBackoff}).
     */
    @Bean(destroyMethod = "close")
    EmbeddingModels embeddingModels(MiniLmEmbeddingModel local) {
        return new EmbeddingModels(local, settings -> OpenAiEmbeddingOptions.defaultsFor(settings.provider())
                .withMaxAttempts(1).withRequestTimeout(Duration.ofSeconds(30)));
    }
}
