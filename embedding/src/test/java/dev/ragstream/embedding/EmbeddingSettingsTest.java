package dev.ragstream.embedding;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingSettingsTest {

    private static final URI OLLAMA = URI.create("http://localhost:11434/v1");

    @Test
    void rejectsAnUnknownProvider() {
        assertThatThrownBy(() -> new EmbeddingSettings("cohere", "embed-v4", null, "key", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown embedding provider 'cohere': expected local, openai or openai-compatible");
        assertThatThrownBy(() -> new EmbeddingSettings(null, "m", null, null, OLLAMA))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requiresAModelForRemoteProviders() {
        assertThatThrownBy(() -> new EmbeddingSettings("openai", " ", null, "sk-1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Embedding provider openai needs a model, e.g. text-embedding-3-small");
        assertThatThrownBy(() -> new EmbeddingSettings("openai-compatible", null, null, null, OLLAMA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a model");
    }

    @Test
    void requiresAKeyForOpenAi() {
        assertThatThrownBy(() -> new EmbeddingSettings("openai", "text-embedding-3-small", null, "  ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Embedding provider openai needs an API key");
    }

    @Test
    void requiresABaseUrlForCompatibleServersButNotAKey() {
        assertThatThrownBy(() -> new EmbeddingSettings("openai-compatible", "nomic-embed-text", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a base URL");
        assertThat(new EmbeddingSettings("openai-compatible", "nomic-embed-text", null, "", OLLAMA).apiKey()).isNull();
    }

    @Test
    void rejectsBaseUrlsThatAreNotPlainHttp() {
        for (String url : new String[]{"localhost:11434/v1", "ftp://host/v1", "http://user:secret@host/v1", "/v1"}) {
            assertThatThrownBy(() -> new EmbeddingSettings("openai-compatible", "m", null, null, URI.create(url)))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void defaultsTheOpenAiBaseUrl() {
        EmbeddingSettings settings = new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-1", null);

        assertThat(settings.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(settings).isEqualTo(new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-1",
                URI.create("https://api.openai.com/v1")));
    }

    @Test
    void checksDimensionsAgainstTheModel() {
        assertThatThrownBy(() -> new EmbeddingSettings("openai", "text-embedding-3-small", 0, "sk-1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Embedding dimensions must be at least 1, not 0");
        assertThatThrownBy(() -> new EmbeddingSettings("openai", "text-embedding-3-small", 2000, "sk-1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text-embedding-3-small makes at most 1536 dimensions, not 2000");
        assertThatThrownBy(() -> new EmbeddingSettings("openai", "text-embedding-ada-002", 512, "sk-1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text-embedding-ada-002 does not support dimensions");
        assertThatThrownBy(() -> new EmbeddingSettings("local", null, 384, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EmbeddingSettings("openai", "text-embedding-3-large", 3072, "sk-1", null).knownDimension()).isEqualTo(3072);
        assertThat(new EmbeddingSettings("openai-compatible", "m", 4096, null, OLLAMA).knownDimension()).isEqualTo(4096);
    }

    @Test
    void knowsTheSizeOfOpenAiModelsOnly() {
        assertThat(new EmbeddingSettings("openai", "text-embedding-3-large", null, "sk-1", null).knownDimension()).isEqualTo(3072);
        assertThat(new EmbeddingSettings("openai", "text-embedding-4", null, "sk-1", null).knownDimension()).isNull();
        assertThat(new EmbeddingSettings("openai-compatible", "text-embedding-3-small", null, null, OLLAMA).knownDimension()).isNull();
    }

    @Test
    void masksTheKeyWhenPrinted() {
        EmbeddingSettings settings = new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-secret-42", null);

        assertThat(settings.toString()).doesNotContain("secret").contains("apiKey=****");
    }

    @Test
    void tellsSettingsWithDifferentKeysApart() {
        assertThat(new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-a", null))
                .isNotEqualTo(new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-b", null));
    }

    @Test
    void readsATenantsSettingsWithTheirDefaults() {
        assertThat(EmbeddingSettings.fromTenant(tenant(Map.of()))).isEqualTo(EmbeddingSettings.local());
        assertThat(EmbeddingSettings.fromTenant(tenant(Map.of("EMBEDDING_PROVIDER", "openai", "OPENAI_API_KEY", "sk-chat"))))
                .isEqualTo(new EmbeddingSettings("openai", "text-embedding-3-small", null, "sk-chat", null));
        assertThat(EmbeddingSettings.fromTenant(tenant(Map.of("EMBEDDING_PROVIDER", "openai-compatible",
                "EMBEDDING_MODEL", "nomic-embed-text", "EMBEDDING_BASE_URL", "http://127.0.0.1:11434/v1",
                "EMBEDDING_DIMENSIONS", " 512 ", "OPENAI_API_KEY", "sk-not-for-this-server"))))
                .isEqualTo(new EmbeddingSettings("openai-compatible", "nomic-embed-text", 512, null,
                        URI.create("http://127.0.0.1:11434/v1")));
    }

    @Test
    void refusesATenantsInvalidSettingsWithTheirName() {
        assertThatThrownBy(() -> EmbeddingSettings.fromTenant(tenant(Map.of("EMBEDDING_DIMENSIONS", "many"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EMBEDDING_DIMENSIONS");
        assertThatThrownBy(() -> EmbeddingSettings.fromTenant(tenant(Map.of("EMBEDDING_MODEL", "bge-small"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all-minilm-l6-v2");
    }

    @Test
    void aGenerationIsEmbeddedByTheModelThatMadeItWithTheTenantsCredentialsForThatProvider() {
        Map<String, String> env = Map.of("EMBEDDING_PROVIDER", "local", "OPENAI_API_KEY", "sk-1");
        EmbeddingSettings settings = EmbeddingSettings.forGeneration("openai", "text-embedding-3-large", 1024, tenant(env));

        assertThat(settings).isEqualTo(new EmbeddingSettings("openai", "text-embedding-3-large", 1024, "sk-1", null));
        assertThat(settings.madeThis("openai", "text-embedding-3-large", 1024)).isTrue();
        assertThat(settings.madeThis("openai", "text-embedding-3-large", null)).isFalse();
        assertThat(EmbeddingSettings.fromTenant(tenant(env)).madeThis("local", "all-minilm-l6-v2", null)).isTrue();
    }

    private static java.util.function.Function<String, java.util.Optional<String>> tenant(Map<String, String> env) {
        return key -> java.util.Optional.ofNullable(env.get(key));
    }
}
