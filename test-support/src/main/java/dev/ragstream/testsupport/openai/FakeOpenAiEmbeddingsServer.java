package dev.ragstream.testsupport.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragstream.testsupport.http.FakeHttp;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for the OpenAI embeddings API ({@code POST /v1/embeddings}), as OpenAI and
 * OpenAI-compatible servers (Ollama, vLLM, LM Studio) speak it. Vectors are deterministic:
 * texts sharing content words are similar (see {@link #embedding}). Models
 * {@code text-embedding-3-small} (1536), {@code text-embedding-3-large} (3072) and
 * {@code text-embedding-ada-002} (1536, no {@code dimensions}) have their real sizes; any other
 * model has {@link #unknownModelDimensions} (768 unless set). Requests are checked the way OpenAI
 * checks them: an API key if one is required (401), a model, 1 to 2048 non-empty inputs of at most
 * 300,000 tokens together, {@code dimensions} the model supports, and only
 * {@code encoding_format=float} (400 otherwise).
 *
 * <p>Every request is recorded before it is answered ({@link #requests()}). The next requests can
 * be scripted with {@link #answerNext}: a 429 with or without {@code Retry-After}, a 5xx, a 400, a
 * raw body or a delay. Thread-safe; bound to a free port on 127.0.0.1 until {@link #close()}.
 */
public final class FakeOpenAiEmbeddingsServer implements AutoCloseable {

    /** OpenAI's limits per request. */
    static final int MAX_INPUTS = 2048;
    static final int MAX_TOKENS = 300_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Integer> MODEL_DIMENSIONS = Map.of(
            "text-embedding-3-small", 1536, "text-embedding-3-large", 3072, "text-embedding-ada-002", 1536);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile String apiKey;
    private volatile int unknownModelDimensions = 768;
    private volatile boolean unnormalised;
    private volatile boolean reversed;

    private FakeOpenAiEmbeddingsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fake OpenAI embeddings server", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a server that requires no API key; the caller closes it. */
    public static FakeOpenAiEmbeddingsServer start() {
        return new FakeOpenAiEmbeddingsServer();
    }

    /** The base URL a client appends {@code /embeddings} to: {@code http://127.0.0.1:<port>/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** From now on, answers 401 unless the request has {@code Authorization: Bearer <apiKey>}. */
    public FakeOpenAiEmbeddingsServer requireApiKey(String apiKey) {
        this.apiKey = apiKey;
        return this;
    }

    /** The vector size for models other than OpenAI's three, when the request has no {@code dimensions}. */
    public FakeOpenAiEmbeddingsServer unknownModelDimensions(int dimensions) {
        this.unknownModelDimensions = dimensions;
        return this;
    }

    /** Answers vectors 2.5 times unit length, as some compatible servers do not normalise. */
    public FakeOpenAiEmbeddingsServer unnormalisedVectors(boolean unnormalised) {
        this.unnormalised = unnormalised;
        return this;
    }

    /** Lists {@code data} last index first; clients must place embeddings by {@code index}. */
    public FakeOpenAiEmbeddingsServer reverseDataOrder(boolean reversed) {
        this.reversed = reversed;
        return this;
    }

    /**
     * Answers the next {@code requests} requests with {@code reply}, after anything scripted
     * before. Each scripted reply is used up by one request, even one answered 404 (wrong path) or
     * 401 (wrong key), which those checks still get.
     */
    public void answerNext(int requests, Reply reply) {
        for (int i = 0; i < requests; i++) {
            script.add(reply);
        }
    }

    /** The requests received so far, oldest first; a snapshot. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Forgets the recorded requests and the replies scripted but not yet sent. */
    public void reset() {
        script.clear();
        requests.clear();
    }

    /**
     * The unit vector this server answers for {@code text} at {@code dimensions} components
     * (unless {@link #unnormalisedVectors} lengthens it): a bag of its content words, plurals and a
     * few synonyms folded, hashed into the components.
     */
    public static float[] embedding(String text, int dimensions) {
        return WordVectors.embed(text, dimensions);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode json = parse(body);
            requests.add(record(exchange, body, json));
            Reply scripted = script.poll();
            if (scripted != null) {
                FakeHttp.pause(scripted.delay());
            }
            respond(exchange, json, scripted);
        } finally {
            exchange.close();
        }
    }

    private void respond(HttpExchange exchange, JsonNode json, Reply scripted) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (!"POST".equals(method) || !"/v1/embeddings".equals(path)) {
            FakeHttp.sendJson(exchange, 404, Map.of(), errorJson(404, "Invalid URL (" + method + " " + path + ")"));
        } else if (apiKey != null && !("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            FakeHttp.sendJson(exchange, 401, Map.of(), unauthorised(exchange.getRequestHeaders().getFirst("Authorization")));
        } else if (scripted != null && (scripted.status() != 200 || scripted.body() != null)) {
            FakeHttp.sendJson(exchange, scripted.status(), scripted.headers(), scripted.body());
        } else {
            String problem = EmbeddingsRequests.problem(json, MODEL_DIMENSIONS);
            if (problem != null) {
                FakeHttp.sendJson(exchange, 400, Map.of(), errorJson(400, problem));
            } else {
                FakeHttp.sendJson(exchange, 200, scripted == null ? Map.of() : scripted.headers(), embeddings((ObjectNode) json));
            }
        }
    }

    private String embeddings(ObjectNode request) {
        String model = request.get("model").asString();
        List<String> input = EmbeddingsRequests.input(request);
        int dimensions = request.hasNonNull("dimensions") ? request.get("dimensions").asInt()
                : MODEL_DIMENSIONS.getOrDefault(model, unknownModelDimensions);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("object", "list");
            json.writeName("data");
            json.writeStartArray();
            for (int n = 0; n < input.size(); n++) {
                int index = reversed ? input.size() - 1 - n : n;
                writeEmbedding(json, index, WordVectors.embed(input.get(index), dimensions));
            }
            json.writeEndArray();
            json.writeStringProperty("model", model);
            int tokens = EmbeddingsRequests.tokens(input);
            json.writeName("usage");
            json.writeStartObject();
            json.writeNumberProperty("prompt_tokens", tokens);
            json.writeNumberProperty("total_tokens", tokens);
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void writeEmbedding(JsonGenerator json, int index, float[] vector) {
        json.writeStartObject();
        json.writeStringProperty("object", "embedding");
        json.writeNumberProperty("index", index);
        json.writeName("embedding");
        json.writeStartArray();
        for (float v : vector) {
            json.writeNumber(unnormalised ? v * 2.5f : v);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static String unauthorised(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return errorJson(401, "You didn't provide an API key. You need to provide your API key in an"
                    + " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }
        // Like OpenAI, show a masked form of the key that was sent.
        String key = authorization.substring("Bearer ".length());
        String masked = key.length() > 8 ? key.substring(0, 3) + "*".repeat(key.length() - 7) + key.substring(key.length() - 4) : "****";
        return errorJson(401, "Incorrect API key provided: " + masked
                + ". You can find your API key at https://platform.openai.com/account/api-keys.");
    }

    /** OpenAI's error body for {@code status}. */
    static String errorJson(int status, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("message", message);
        error.put("type", status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error");
        error.putNull("param");
        if (status == 401) {
            error.put("code", "invalid_api_key");
        } else if (status == 429) {
            error.put("code", "rate_limit_exceeded");
        } else {
            error.putNull("code");
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("error", error);
        return JSON.writeValueAsString(body);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static RecordedRequest record(HttpExchange exchange, byte[] body, JsonNode json) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        boolean object = json != null && json.isObject();
        return new RecordedRequest(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                headers, new String(body, StandardCharsets.UTF_8),
                object && json.get("model") != null && json.get("model").isString() ? json.get("model").asString() : null,
                object ? EmbeddingsRequests.input(json) : List.of(),
                object && json.hasNonNull("dimensions") && json.get("dimensions").canConvertToInt()
                        ? json.get("dimensions").asInt() : null);
    }

    /** Stops answering; requests still waiting out a delay are cut off. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
