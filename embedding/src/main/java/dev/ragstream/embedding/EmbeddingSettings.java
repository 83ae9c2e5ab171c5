package dev.ragstream.embedding;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which embedding model a tenant uses, as its settings in the tenant registry say. Validated on
 * construction. {@link #toString()} masks the API key, so settings may be logged.
 *
 * @param provider   {@value #LOCAL} (the in-process model), {@value #OPENAI} or {@value #OPENAI_COMPATIBLE}
 *                   (Ollama, vLLM, LM Studio and other servers speaking OpenAI's embeddings API)
 * @param model      the provider's model name, e.g. {@code text-embedding-3-small} or
 *                   {@code nomic-embed-text}; required except for {@value #LOCAL}, where it is null
 *                   (the default, {@value #LOCAL_MODEL}) or {@value #LOCAL_MODEL_INT8}
 * @param dimensions the vector size to ask for, or null for the model's own; not for {@value #LOCAL}
 *                   nor {@code text-embedding-ada-002}, and at most the model's own size for
 *                   OpenAI's {@code text-embedding-3} models
 * @param apiKey     the bearer token; required for {@value #OPENAI}, optional for
 *                   {@value #OPENAI_COMPATIBLE}; blank means none
 * @param baseUrl    the URL that {@code /embeddings} is appended to; required for
 *                   {@value #OPENAI_COMPATIBLE} (e.g. {@code http://localhost:11434/v1}), defaults to
 *                   {@code https://api.openai.com/v1} for {@value #OPENAI}
 * @throws IllegalArgumentException if the provider is unknown or a value it needs is missing or invalid
 */
public record EmbeddingSettings(String provider, String model, Integer dimensions, String apiKey, URI baseUrl) {

    public static final String LOCAL = "local";
    public static final String OPENAI = "openai";
    public static final String OPENAI_COMPATIBLE = "openai-compatible";
    /** The default model of the {@value #LOCAL} provider (fp32 weights). */
    public static final String LOCAL_MODEL = "all-minilm-l6-v2";
    /** The same model of the {@value #LOCAL} provider with int8-quantised weights. */
    public static final String LOCAL_MODEL_INT8 = "all-minilm-l6-v2-q";
    static final URI OPENAI_BASE_URL = URI.create("https://api.openai.com/v1");

    /** The vector sizes of OpenAI's embedding models, which are also the most {@code dimensions} they accept. */
    private static final Map<String, Integer> OPENAI_DIMENSIONS = Map.of(
            "text-embedding-3-small", 1536, "text-embedding-3-large", 3072, "text-embedding-ada-002", 1536);

    public EmbeddingSettings {
        if (!LOCAL.equals(provider) && !OPENAI.equals(provider) && !OPENAI_COMPATIBLE.equals(provider)) {
            throw new IllegalArgumentException("Unknown embedding provider '" + provider + "': expected "
                    + LOCAL + ", " + OPENAI + " or " + OPENAI_COMPATIBLE);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (OPENAI.equals(provider) && baseUrl == null) {
            baseUrl = OPENAI_BASE_URL;
        }
        if (LOCAL.equals(provider)) {
            requireNoDimensions(dimensions);
            if (model != null && !LOCAL_MODEL.equals(model) && !LOCAL_MODEL_INT8.equals(model)) {
                throw new IllegalArgumentException("The " + LOCAL + " embedding provider offers " + LOCAL_MODEL + " and "
                        + LOCAL_MODEL_INT8 + ", not " + model);
            }
            model = LOCAL_MODEL.equals(model) ? null : model; // the default is null: equal settings compare equal
        } else {
            requireRemote(provider, model, apiKey, baseUrl);
            requireValidDimensions(provider, model, dimensions);
        }
    }

    /**
     * A tenant's settings from its registry entry ({@code tenants/<id>/.env}):
     * {@code EMBEDDING_PROVIDER} (default {@value #LOCAL}), {@code EMBEDDING_MODEL} (default the local
     * model, or {@code text-embedding-3-small} for {@value #OPENAI}), {@code EMBEDDING_DIMENSIONS},
     * {@code EMBEDDING_API_KEY} (for {@value #OPENAI} also {@code OPENAI_API_KEY}) and
     * {@code EMBEDDING_BASE_URL}.
     *
     * @param setting the tenant's value of a setting, empty when it has none
     * @throws IllegalArgumentException as the constructor, or when {@code EMBEDDING_DIMENSIONS} is no number
     */
    public static EmbeddingSettings fromTenant(Function<String, Optional<String>> setting) {
        String provider = value(setting, "EMBEDDING_PROVIDER").orElse(LOCAL);
        Integer dimensions = value(setting, "EMBEDDING_DIMENSIONS").map(EmbeddingSettings::number).orElse(null);
        return of(provider, value(setting, "EMBEDDING_MODEL").orElse(null), dimensions, setting);
    }

    /**
     * The settings for the model that made an index generation (its provider, model and dimensions
     * request, as the generation records them), with the tenant's credentials and server for that
     * provider: a tenant's query is embedded like its active index even while its settings already
     * name the next model.
     */
    public static EmbeddingSettings forGeneration(String provider, String model, Integer dimensions,
                                                 Function<String, Optional<String>> setting) {
        return of(provider, model, dimensions, setting);
    }

    /** True when a generation recorded as made by this provider, model and dimensions request is this model's. */
    public boolean madeThis(String provider, String model, Integer dimensions) {
        return this.provider.equals(provider) && modelName().equals(model) && Objects.equals(this.dimensions, dimensions);
    }

    /** The model's name as generations record it: for {@value #LOCAL}, {@value #LOCAL_MODEL} unless the int8 variant is chosen. */
    public String modelName() {
        return model == null ? LOCAL_MODEL : model;
    }

    private static EmbeddingSettings of(String provider, String model, Integer dimensions,
                                        Function<String, Optional<String>> setting) {
        String key = value(setting, "EMBEDDING_API_KEY")
                .or(() -> OPENAI.equals(provider) ? value(setting, "OPENAI_API_KEY") : Optional.empty()).orElse(null);
        URI baseUrl = value(setting, "EMBEDDING_BASE_URL").map(EmbeddingSettings::uri).orElse(null);
        if (LOCAL.equals(provider)) {
            return new EmbeddingSettings(LOCAL, model, dimensions, null, null);
        }
        String name = model != null ? model : OPENAI.equals(provider) ? "text-embedding-3-small" : null;
        return new EmbeddingSettings(provider, name, dimensions, key, baseUrl);
    }

    private static Optional<String> value(Function<String, Optional<String>> setting, String key) {
        return setting.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Integer number(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("EMBEDDING_DIMENSIONS must be a whole number, not '" + value + "'");
        }
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("EMBEDDING_BASE_URL is not a valid URL"); // not echoed: it may carry credentials
        }
    }

    /** The in-process model, with nothing else to set. */
    public static EmbeddingSettings local() {
        return new EmbeddingSettings(LOCAL, null, null, null, null);
    }

    /**
     * The size of the vectors the model makes when it is known without asking it: the
     * {@code dimensions} asked for, else the size of an OpenAI model; null for other models.
     */
    Integer knownDimension() {
        if (dimensions != null) {
            return dimensions;
        }
        return OPENAI.equals(provider) ? OPENAI_DIMENSIONS.get(model) : null;
    }

    private static void requireNoDimensions(Integer dimensions) {
        if (dimensions != null) {
            throw new IllegalArgumentException("The " + LOCAL + " embedding model has a fixed size: dimensions cannot be set");
        }
    }

    private static void requireRemote(String provider, String model, String apiKey, URI baseUrl) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("Embedding provider " + provider + " needs a model, e.g. "
                    + (OPENAI.equals(provider) ? "text-embedding-3-small" : "nomic-embed-text"));
        }
        if (OPENAI.equals(provider) && apiKey == null) {
            throw new IllegalArgumentException("Embedding provider " + OPENAI + " needs an API key");
        }
        if (baseUrl == null) {
            throw new IllegalArgumentException("Embedding provider " + OPENAI_COMPATIBLE
                    + " needs a base URL, e.g. http://localhost:11434/v1");
        }
        // The URL is not echoed: it may carry credentials.
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null || baseUrl.getRawUserInfo() != null
                || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
            throw new IllegalArgumentException("Embedding base URL must be an absolute http or https URL"
                    + " with a host and without user info");
        }
    }

    private static void requireValidDimensions(String provider, String model, Integer dimensions) {
        if (dimensions == null) {
            return;
        }
        if (dimensions < 1) {
            throw new IllegalArgumentException("Embedding dimensions must be at least 1, not " + dimensions);
        }
        if (OPENAI.equals(provider) && "text-embedding-ada-002".equals(model)) {
            throw new IllegalArgumentException("text-embedding-ada-002 does not support dimensions");
        }
        Integer most = OPENAI.equals(provider) ? OPENAI_DIMENSIONS.get(model) : null;
        if (most != null && dimensions > most) {
            throw new IllegalArgumentException(model + " makes at most " + most + " dimensions, not " + dimensions);
        }
    }

    /** The settings with the API key masked. */
    @Override
    public String toString() {
        return "EmbeddingSettings[provider=" + provider + ", model=" + model + ", dimensions=" + dimensions
                + ", apiKey=" + (apiKey == null ? "none" : "****") + ", baseUrl=" + baseUrl + "]";
    }
}
