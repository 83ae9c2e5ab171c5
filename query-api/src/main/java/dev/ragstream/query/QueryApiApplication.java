package dev.ragstream.query;

import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.OpenAiEmbeddingOptions;
import dev.ragstream.platform.PlatformConfiguration;
import java.time.Duration;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.web.InternalRequestFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/** The query API service (internal: only the gateway calls it); configuration in {@code query-api.yml}. */
@SpringBootApplication
@Import(PlatformConfiguration.class)
@EnableConfigurationProperties(QueryProperties.class)
public class QueryApiApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(QueryApiApplication.class).properties("spring.config.name=query-api");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    @Bean(destroyMethod = "close")
    MiniLmEmbeddingModel embeddingModel() {
        return MiniLmEmbeddingModel.load();
    }

    /** Each tenant's embedding model; remote calls: a question waits for its answer: two attempts of at most 10 s each. */
    @Bean(destroyMethod = "close")
    EmbeddingModels embeddingModels(MiniLmEmbeddingModel local) {
        return new EmbeddingModels(local, settings -> OpenAiEmbeddingOptions.defaultsFor(settings.provider())
                .withMaxAttempts(2).withRequestTimeout(Duration.ofSeconds(10)));
    }

    @Bean
    FilterRegistrationBean<InternalRequestFilter> internalOnly(PlatformProperties platform) {
        FilterRegistrationBean<InternalRequestFilter> registration =
                new FilterRegistrationBean<>(new InternalRequestFilter(platform.internalSecret()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
