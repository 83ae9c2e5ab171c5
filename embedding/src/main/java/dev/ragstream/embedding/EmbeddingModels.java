package dev.ragstream.embedding;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The embedding model for each tenant's {@link EmbeddingSettings}: the shared local model for
 * {@value EmbeddingSettings#LOCAL}, otherwise one {@link OpenAiEmbeddingModel} per distinct
 * settings value, made on first use and kept. Tenants with equal settings share a model and its
 * circuit breaker; a tenant with its own API key has its own. The remote models share one HTTP
 * client.
 *
 * <p>Thread-safe. Owns the models it made and closes them in {@link #close()}; the local model
 * belongs to the caller and stays open.
 */
public final class EmbeddingModels implements AutoCloseable {

    private final EmbeddingModel local;
    private final Function<EmbeddingSettings, OpenAiEmbeddingOptions> options;
    private final HttpClient client = OpenAiEmbeddingModel.newHttpClient();
    private final Map<EmbeddingSettings, OpenAiEmbeddingModel> remote = new ConcurrentHashMap<>();
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
     * @throws IllegalArgumentException if {@code settings} ask the local provider for a model other than the local one
     * @throws IllegalStateException    if this factory is closed
     */
    public EmbeddingModel forSettings(EmbeddingSettings settings) {
        if (closed) {
            throw new IllegalStateException("EmbeddingModels is closed");
        }
        if (EmbeddingSettings.LOCAL.equals(settings.provider())) {
            if (settings.model() != null && !settings.model().equals(local.name())) {
                throw new IllegalArgumentException("The " + EmbeddingSettings.LOCAL + " provider offers "
                        + local.name() + ", not " + settings.model());
            }
            return local;
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
    }
}
