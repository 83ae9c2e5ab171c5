package dev.ragstream.embedding;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model behind OpenAI's embeddings API ({@code POST {baseUrl}/embeddings}), served by OpenAI
 * or by a compatible server such as Ollama, vLLM or LM Studio. Texts are sent in batches within
 * {@link OpenAiEmbeddingOptions}' limits, so one {@link #embedAll} call may make several
 * requests; vectors come back in input order, L2-normalised whatever the server sent. Empty
 * texts are sent as a single space, since OpenAI rejects empty input.
 *
 * <p>A request is retried on 429, 5xx, timeouts and connection failures, with exponential
 * backoff and full jitter, and never sooner than a {@code Retry-After} or {@code retry-after-ms}
 * header asks; other statuses fail at once. A circuit breaker counts attempts that failed (5xx,
 * timeouts, unreachable, nonsense answers) or succeeded; a 429 is the provider pacing a healthy
 * account and counts neither way, its Retry-After does the pacing. When at least half of the last
 * 10 counted attempts (and at least 5) failed, calls fail fast without a request for
 * {@link OpenAiEmbeddingOptions#circuitOpenDuration()}, then a few trial calls decide.
 * Failures are {@link EmbeddingException}s whose {@link EmbeddingException#retryable()} says
 * which kind they are; their messages never contain the API key or the texts.
 *
 * <p>Thread-safe; one instance per distinct {@link EmbeddingSettings}, so that each API key has
 * its own circuit breaker ({@link EmbeddingModels} does this). After {@link #close()} every method
 * but {@code close}, {@code name} and an already known {@code dimension} throws
 * {@link IllegalStateException}.
 */
public final class OpenAiEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /** Connecting is quick or not happening; the request timeout bounds the whole exchange anyway. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String PROBE_TEXT = "dimension probe";

    private static final Logger log = LoggerFactory.getLogger(OpenAiEmbeddingModel.class);

    private final EmbeddingSettings settings;
    private final OpenAiEmbeddingOptions options;
    private final HttpClient client;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RetryDelays delays;
    private final CircuitBreaker breaker;
    private final URI endpoint;
    /** {@code host:port} of the endpoint, for messages: the URL's path and query stay out of them. */
    private final String address;
    private final String name;
    private final Object probe = new Object();
    /** The vector size, 0 until known from the settings or the first answer. */
    private volatile int dimension;
    private volatile boolean closed;

    /** A model with the {@linkplain OpenAiEmbeddingOptions#defaultsFor default options} of its provider. */
    public OpenAiEmbeddingModel(EmbeddingSettings settings) {
        this(settings, OpenAiEmbeddingOptions.defaultsFor(settings.provider()));
    }

    /** @throws IllegalArgumentException if {@code settings} name the {@value EmbeddingSettings#LOCAL} provider */
    public OpenAiEmbeddingModel(EmbeddingSettings settings, OpenAiEmbeddingOptions options) {
        this(settings, options, newHttpClient(), Sleeper.THREAD, Clock.systemUTC());
    }

    /** With the client, the waits between attempts and the circuit breaker's clock given, for sharing and tests. */
    OpenAiEmbeddingModel(EmbeddingSettings settings, OpenAiEmbeddingOptions options, HttpClient client,
                         Sleeper sleeper, Clock clock) {
        if (EmbeddingSettings.LOCAL.equals(settings.provider())) {
            throw new IllegalArgumentException("The " + EmbeddingSettings.LOCAL + " provider is not served over HTTP");
        }
        this.settings = settings;
        this.options = Objects.requireNonNull(options, "options");
        this.client = client;
        this.sleeper = sleeper;
        this.clock = clock;
        this.delays = new RetryDelays(options);
        this.name = settings.provider() + ":" + settings.model()
                + (settings.dimensions() == null ? "" : ":" + settings.dimensions());
        this.endpoint = URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + "/embeddings");
        this.address = endpoint.getHost() + ":"
                + (endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80);
        this.dimension = settings.knownDimension() == null ? 0 : settings.knownDimension();
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(50)
                .slidingWindow(10, 5, SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(options.circuitOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(2)
                .clock(clock)
                .build());
    }

    /**
     * An HTTP/1.1 client: self-hosted servers do not all cope with the h2c upgrade the JDK client
     * would otherwise try on plain http, and embedding requests gain nothing from HTTP/2.
     */
    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** {@code provider:model}, plus {@code :dimensions} when set, e.g. {@code openai:text-embedding-3-small:512}. */
    @Override
    public String name() {
        return name;
    }

    /**
     * The configured {@code dimensions}, else the size of a known OpenAI model, else the size of
     * the vectors the server made: learned from the first answer, or by one probe request if
     * nothing was embedded yet.
     *
     * @throws EmbeddingException if the probe fails
     */
    @Override
    public int dimension() {
        if (dimension > 0) {
            return dimension;
        }
        synchronized (probe) {
            if (dimension == 0) {
                requireOpen();
                embedBatch(List.of(PROBE_TEXT));
            }
            return dimension;
        }
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts == null || texts.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("texts and their elements must not be null");
        }
        requireOpen();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (List<String> batch : Batches.of(List.copyOf(texts), options.maxBatchSize(), options.maxBatchTokens())) {
            vectors.addAll(embedBatch(batch));
        }
        return vectors;
    }

    private List<float[]> embedBatch(List<String> batch) {
        HttpRequest request = request(batch);
        for (int attempt = 1; ; attempt++) {
            if (!breaker.tryAcquirePermission()) {
                throw new EmbeddingException(name + " is failing: its circuit breaker is open, so no request was sent",
                        true, options.circuitOpenDuration(), null);
            }
            EmbeddingException failure;
            try {
                return send(request, batch);
            } catch (EmbeddingException e) {
                failure = e;
            }
            if (!failure.retryable() || Thread.currentThread().isInterrupted()) {
                throw failure;
            }
            if (attempt == options.maxAttempts()) {
                throw new EmbeddingException(failure.getMessage() + " (gave up after " + attempt + " attempts)",
                        true, failure.retryAfter(), failure.getCause());
            }
            Duration wait = delays.after(attempt, failure.retryAfter());
            log.warn("{} (attempt {} of {} in {} ms)",
                    failure.getMessage(), attempt + 1, options.maxAttempts(), wait.toMillis());
            pause(wait);
        }
    }

    /** One attempt, reported to the circuit breaker: a rejected or rate-limited request counts neither way. */
    private List<float[]> send(HttpRequest request, List<String> batch) {
        long started = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = exchange(request);
        } catch (IOException e) {
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            String what = e instanceof HttpTimeoutException ? " timed out" : " could not be reached";
            throw new EmbeddingException(name + " at " + address + what
                    + " (" + e.getClass().getSimpleName() + ")", true, null, e);
        } catch (InterruptedException e) {
            breaker.releasePermission();
            Thread.currentThread().interrupt();
            throw new EmbeddingException(name + ": interrupted while waiting for the answer", true, null, e);
        }
        if (response.statusCode() / 100 != 2) {
            EmbeddingException rejected = rejected(response, batch);
            if (rejected.retryable() && response.statusCode() != 429) {
                breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, rejected);
            } else {
                breaker.releasePermission();
            }
            throw rejected;
        }
        try {
            List<float[]> vectors = vectors(response.body(), batch.size());
            breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return vectors;
        } catch (EmbeddingException malformed) {
            // A server that answers nonsense is as broken as one that fails.
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, malformed);
            throw malformed;
        }
    }

    /** The whole exchange, up to the last byte of the body, within the request timeout. */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, BodyHandlers.ofByteArray());
        try {
            return future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + options.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private HttpRequest request(List<String> batch) {
        List<String> input = batch.stream().map(text -> text.isEmpty() ? " " : text).toList();
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        EmbeddingsWire.request(settings.model(), input, settings.dimensions())));
        if (settings.apiKey() != null) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        return request.build();
    }

    private EmbeddingException rejected(HttpResponse<byte[]> response, List<String> batch) {
        int status = response.statusCode();
        boolean retryable = status == 429 || status >= 500;
        String excerpt = ErrorExcerpt.of(EmbeddingsWire.errorMessage(response.body()), settings.apiKey(), batch);
        return new EmbeddingException(name + (retryable ? " failed" : " rejected the request") + " with HTTP "
                + status + ": " + excerpt, retryable, retryable ? RetryDelays.requested(response.headers(), clock) : null,
                null);
    }

    /** The vectors of a success, checked and normalised; the first answer fixes an unknown dimension. */
    private List<float[]> vectors(byte[] body, int count) {
        float[][] vectors;
        try {
            vectors = EmbeddingsWire.vectors(body, count);
        } catch (EmbeddingsWire.MalformedResponseException e) {
            throw malformed(e.getMessage(), e);
        }
        int expected = dimension > 0 ? dimension : vectors[0].length;
        for (float[] vector : vectors) {
            if (vector.length != expected) {
                throw malformed("has a vector of " + vector.length + " dimensions, expected " + expected, null);
            }
            double squares = 0;
            for (float v : vector) {
                squares += (double) v * v;
            }
            if (squares == 0 || !Double.isFinite(squares)) {
                throw malformed("has a vector that cannot be normalised", null);
            }
            MeanPooling.normalise(vector);
        }
        dimension = expected;
        return Arrays.asList(vectors);
    }

    private EmbeddingException malformed(String what, Throwable cause) {
        return new EmbeddingException(name + " answered with a response that " + what, false, null, cause);
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException(name + ": interrupted while waiting to retry", true, null, e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Refuses further calls; calls under way finish. The HTTP client has no close in Java 17: its
     * connections and thread go once it is unreachable.
     */
    @Override
    public void close() {
        closed = true;
    }
}
