package dev.ragstream.embedding;

import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingModelsTest {

    private static MiniLmEmbeddingModel local;
    private static FakeOpenAiEmbeddingsServer server;
    private final EmbeddingModels models = new EmbeddingModels(local);

    @BeforeAll
    static void start() {
        local = MiniLmEmbeddingModel.load();
        server = FakeOpenAiEmbeddingsServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
        local.close();
    }

    @AfterEach
    void closeModels() {
        models.close();
    }

    @Test
    void givesTheSharedLocalModelForTheLocalProvider() {
        assertThat(models.forSettings(EmbeddingSettings.local())).isSameAs(local);
        assertThat(models.forSettings(new EmbeddingSettings("local", "all-minilm-l6-v2", null, null, null))).isSameAs(local);
        assertThatThrownBy(() -> models.forSettings(new EmbeddingSettings("local", "bge-small", null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The local embedding provider offers all-minilm-l6-v2 and all-minilm-l6-v2-q, not bge-small");
    }

    @Test
    void loadsTheInt8VariantOnceWhenATenantChoosesIt() {
        EmbeddingModel int8 = models.forSettings(new EmbeddingSettings("local", "all-minilm-l6-v2-q", null, null, null));

        assertThat(int8).isNotSameAs(local);
        assertThat(int8.name()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(int8.dimension()).isEqualTo(384);
        assertThat(models.forSettings(new EmbeddingSettings("local", "all-minilm-l6-v2-q", null, null, null))).isSameAs(int8);
        float[] quantised = int8.embedAll(List.of("Green coffee deliveries arrive on Tuesdays.")).get(0);
        float[] full = local.embedAll(List.of("Green coffee deliveries arrive on Tuesdays.")).get(0);
        double cosine = 0;
        for (int i = 0; i < full.length; i++) {
            cosine += quantised[i] * full[i]; // both are unit vectors
        }
        assertThat(cosine).as("the same sentence in both variants").isGreaterThan(0.9).isLessThan(0.99999);
    }

    @Test
    void sharesOneRemoteModelBetweenEqualSettingsAndKeepsKeysApart() {
        EmbeddingModel tenantA = models.forSettings(openAi("sk-tenant-a"));
        EmbeddingModel tenantB = models.forSettings(openAi("sk-tenant-b"));

        assertThat(tenantA).isInstanceOf(OpenAiEmbeddingModel.class).isSameAs(models.forSettings(openAi("sk-tenant-a")));
        assertThat(tenantB).isNotSameAs(tenantA);
        assertThat(tenantA.embedAll(List.of("hello"))).hasSize(1);
        assertThat(server.requests()).last().satisfies(request ->
                assertThat(request.header("Authorization")).isEqualTo("Bearer sk-tenant-a"));
    }

    @Test
    void appliesTheOptionsGivenForTheSettings() {
        try (EmbeddingModels tight = new EmbeddingModels(local,
                settings -> OpenAiEmbeddingOptions.defaultsFor(settings.provider()).withMaxBatchSize(2))) {
            server.reset();

            tight.forSettings(openAi("sk-tenant-a")).embedAll(List.of("a", "b", "c"));

            assertThat(server.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void closesTheModelsItMadeButNotTheLocalOne() {
        EmbeddingModel remote = models.forSettings(openAi("sk-tenant-a"));

        models.close();

        assertThatThrownBy(() -> remote.embedAll(List.of("hello"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> models.forSettings(openAi("sk-tenant-a"))).isInstanceOf(IllegalStateException.class);
        assertThat(local.embedAll(List.of("hello"))).hasSize(1);
    }

    private static EmbeddingSettings openAi(String key) {
        return new EmbeddingSettings("openai", "text-embedding-3-small", 16, key, server.baseUrl());
    }
}
