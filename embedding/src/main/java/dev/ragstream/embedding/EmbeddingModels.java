package dev.ragstream.embedding;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The embedding model for each tenant's {@link EmbeddingSettings}: the shared local model for
 * {@value EmbeddingSettings#LOCAL} (its int8 variant, when a tenant chooses it, loaded on first
 * use), otherwise one {@link OpenAiEmbeddingModel} per distinct
 * settings value, made on first use and kept. Tenants with equal settings share a model and its
 * circuit breaker; a tenant with its own API key has its own. The remote models share one HTTP
 * client.
 *
 * <p>Thread-safe. Owns the models it made and closes them in {@link #close()}; the local model
 * passed in belongs to the caller and stays open.
 */
public final class EmbeddingModels implements AutoCloseable {

    private final EmbeddingModel local;
    private final Function<EmbeddingSettings, OpenAiEmbeddingOptions> options;
    private final HttpClient client = OpenAiEmbeddingModel.newHttpClient();
    private final Map<EmbeddingSettings, OpenAiEmbeddingModel> remote = new ConcurrentHashMap<>();
    /** Local variants other than the one passed in, by model name. */
    private final Map<String, MiniLmEmbeddingModel> variants = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Remote models get the {@linkplain OpenAiEmbeddingOptions#defaultsFor default options} of their provider. */
    public EmbeddingModels(EmbeddingModel local) {
        this(local, settings -> OpenAiEmbeddingOptions.defaultsFor(settings.provider()));
    }

    /**
     * @param local   the in-process model, loaded once per process and owned by the caller
     * @param options the options of the remote model made for given settings
     */
    public EmbeddingModels(EmbeddingModel local, Function<EmbeddingSettings, OpenAiEmbeddingOptions> options) {
        this.local = Objects.requireNonNull(local, "local");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The model for {@code settings}; the same instance for equal settings.
     *
     * @throws IllegalStateException if this factory is closed
     * @throws EmbeddingException    if a local variant cannot be loaded
     */
    public EmbeddingModel forSettings(EmbeddingSettings settings) {
        if (closed) {
            throw new IllegalStateException("EmbeddingModels is closed");
        }
        if (EmbeddingSettings.LOCAL.equals(settings.provider())) {
            String name = settings.modelName();
            return name.equals(local.name()) ? local
                    : variants.computeIfAbsent(name, n -> MiniLmEmbeddingModel.load(MiniLmEmbeddingModel.Variant.named(n)));
        }
        return remote.computeIfAbsent(settings, key -> new OpenAiEmbeddingModel(
                key, options.apply(key), client, Sleeper.THREAD, Clock.systemUTC()));
    }

    /** Closes the remote models made so far; later calls of {@link #forSettings} throw. */
    @Override
    public void close() {
        closed = true;
        remote.values().forEach(OpenAiEmbeddingModel::close);
        remote.clear();
        variants.values().forEach(MiniLmEmbeddingModel::close);
        variants.clear();
    }
}
