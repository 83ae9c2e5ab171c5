package dev.ragstream.testsupport.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragstream.testsupport.http.FakeHttp;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for two chat APIs on one port, speaking their real wire formats so that
 * unchanged clients (e.g. LangChain4j's {@code OpenAiChatModel}, {@code OpenAiStreamingChatModel},
 * {@code AnthropicChatModel} and {@code AnthropicStreamingChatModel}) work against it:
 * <ul>
 *   <li>OpenAI chat completions, {@code POST /v1/chat/completions} (base URL {@link #openAiBaseUrl()}):
 *   a {@code chat.completion} object, or with {@code "stream": true} {@code chat.completion.chunk}
 *   server-sent events (role, one per token, {@code finish_reason}, usage if
 *   {@code stream_options.include_usage}) ended by {@code data: [DONE]};</li>
 *   <li>Anthropic messages, {@code POST /v1/messages} (base URL {@link #anthropicBaseUrl()}): a
 *   {@code message} object, or with {@code "stream": true} the events {@code message_start},
 *   {@code content_block_start}, {@code ping}, one {@code content_block_delta} per token,
 *   {@code content_block_stop}, {@code message_delta} and {@code message_stop}.</li>
 * </ul>
 * Both answer the next scripted {@link LlmReply} ({@link #answerNext}), or else
 * {@link #defaultAnswer()}. An answer is split into tokens that keep their leading whitespace
 * ({@link #tokens}: {@code "Hello world."} is {@code "Hello", " world", "."}); its usage counts
 * those tokens as output, and the whitespace-separated words of all request messages and the
 * system prompt as input.
 *
 * <p>Requests are checked the way the APIs check them: if an API key is required
 * ({@link #requireApiKey}), OpenAI wants {@code Authorization: Bearer <key>} and Anthropic
 * {@code x-api-key: <key>} (401 otherwise); Anthropic wants an {@code anthropic-version} header
 * and {@code max_tokens}; both want a model and messages (400 otherwise). Errors carry the API's
 * own error body. Any other path or method is answered 404.
 *
 * <p>Every request is recorded before it is answered ({@link #requests()}). Each scripted reply is
 * used up by one request, of either API, even one answered 404, 401 or 400, which those answers
 * still get. Thread-safe; bound to a free port on 127.0.0.1 until {@link #close()}.
 */
public final class FakeLlmServer implements AutoCloseable {

    /** The answer to requests nothing is scripted for, until {@link #setDefaultAnswer} changes it. */
    public static final String INITIAL_DEFAULT_ANSWER = "The documents say so [1].";

    /** How long a broken stream waits after its last token before the connection is dropped. */
    static final Duration BREAK_PAUSE = Duration.ofMillis(500);

    static final String OPENAI_PATH = "/v1/chat/completions";
    static final String ANTHROPIC_PATH = "/v1/messages";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A word or a single other character, with the whitespace before it; or trailing whitespace. */
    private static final Pattern TOKEN = Pattern.compile("\\s*(?:[\\p{L}\\p{N}_]+|[^\\s\\p{L}\\p{N}_])|\\s+");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Queue<LlmReply> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedLlmRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile String apiKey;
    private volatile String defaultAnswer = INITIAL_DEFAULT_ANSWER;

    private FakeLlmServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fake LLM server", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a server that requires no API key; the caller closes it. */
    public static FakeLlmServer start() {
        return new FakeLlmServer();
    }

    /** The OpenAI base URL, which clients append {@code /chat/completions} to: {@code http://127.0.0.1:<port>/v1}. */
    public String openAiBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * The Anthropic base URL, which clients append {@code messages} to:
     * {@code http://127.0.0.1:<port>/v1/}, shaped like LangChain4j's default
     * {@code https://api.anthropic.com/v1/}; pass it to the model builder's {@code baseUrl}.
     */
    public String anthropicBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";
    }

    /**
     * From now on, answers 401 unless the request carries {@code apiKey}: as
     * {@code Authorization: Bearer <apiKey>} for OpenAI, as {@code x-api-key} for Anthropic. Null
     * requires none again.
     */
    public FakeLlmServer requireApiKey(String apiKey) {
        this.apiKey = apiKey;
        return this;
    }

    /** Answers the next request with {@code reply}, after anything scripted before. */
    public FakeLlmServer answerNext(LlmReply reply) {
        script.add(Objects.requireNonNull(reply, "reply"));
        return this;
    }

    /** Answers the next {@code requests} requests with {@code reply}, after anything scripted before. */
    public FakeLlmServer answerNext(int requests, LlmReply reply) {
        for (int i = 0; i < requests; i++) {
            answerNext(reply);
        }
        return this;
    }

    /** The text answered when nothing is scripted; initially {@value #INITIAL_DEFAULT_ANSWER}. */
    public String defaultAnswer() {
        return defaultAnswer;
    }

    public FakeLlmServer setDefaultAnswer(String answer) {
        this.defaultAnswer = Objects.requireNonNull(answer, "answer");
        return this;
    }

    /** The requests received so far, oldest first; a snapshot. */
    public List<RecordedLlmRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Forgets the recorded requests; scripted replies not yet sent stay. */
    public void clearRequests() {
        requests.clear();
    }

    /** Forgets the replies scripted but not yet sent. */
    public void clearScript() {
        script.clear();
    }

    /**
     * {@code text} split the way this server streams it: each word or other non-space character
     * with the whitespace before it, and any trailing whitespace; the tokens concatenate to
     * {@code text}.
     */
    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    private void handle(HttpExchange exchange) throws IOException {
        boolean dropped = false;
        try {
            dropped = !serve(exchange);
        } finally {
            if (!dropped) {
                exchange.close();
            }
        }
        if (dropped) {
            // The server closes a connection whose handler throws, without ending the response.
            throw new DropConnection();
        }
    }

    /** Answers the exchange; false if instead its connection must be dropped. */
    private boolean serve(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Wire wire = !"POST".equals(method) ? null
                : OPENAI_PATH.equals(path) ? OpenAiWire.INSTANCE
                : ANTHROPIC_PATH.equals(path) ? AnthropicWire.INSTANCE : null;
        RecordedLlmRequest request = new RecordedLlmRequest(wire == null ? null : wire.api(), path,
                headers(exchange), parse(raw));
        requests.add(request);
        LlmReply scripted = script.poll();
        LlmReply reply = scripted != null ? scripted : LlmReply.text(defaultAnswer);
        FakeHttp.pause(reply.delay());

        if (wire == null) {
            FakeHttp.sendJson(exchange, 404, Map.of(), OpenAiWire.INSTANCE.errorBody(404, "Invalid URL (" + method + " " + path + ")"));
            return true;
        }
        Rejection rejection = wire.reject(request, apiKey);
        if (rejection != null) {
            FakeHttp.sendJson(exchange, rejection.status(), Map.of(), wire.errorBody(rejection.status(), rejection.message()));
            return true;
        }
        if (reply.isError()) {
            FakeHttp.sendJson(exchange, reply.status(), reply.headers(), wire.errorBody(reply.status(), reply.text()));
            return true;
        }
        Answer answer = new Answer(wire.newId(ids.incrementAndGet()), request.model(), Instant.now().getEpochSecond(),
                words(request.texts()), tokens(reply.text()),
                includeUsage(request.body()));
        if (!request.stream()) {
            if (reply.broken()) {
                return false;
            }
            FakeHttp.sendJson(exchange, 200, reply.headers(), wire.message(answer));
            return true;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(200, 0);
        Sse sse = new Sse(exchange.getResponseBody());
        wire.streamStart(sse, answer);
        for (String token : answer.tokens()) {
            wire.streamToken(sse, answer, token);
        }
        if (reply.broken()) {
            // Let the client read the tokens first: the JDK HttpClient drops data it has not read yet
            // once it learns that the connection failed.
            FakeHttp.pause(BREAK_PAUSE);
            return false;
        }
        wire.streamEnd(sse, answer);
        return true;
    }

    private static boolean includeUsage(JsonNode body) {
        JsonNode include = body.path("stream_options").path("include_usage");
        return include.isBoolean() && include.booleanValue();
    }

    private static int words(List<String> texts) {
        int words = 0;
        for (String text : texts) {
            for (String word : text.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words++;
                }
            }
        }
        return words;
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return headers;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json == null ? MissingNode.getInstance() : json;
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /** Stops answering; requests still waiting out a delay are cut off. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** Thrown out of the handler so that the server closes the connection mid-response. */
    private static final class DropConnection extends IOException {
        DropConnection() {
            super("scripted broken connection", null);
        }
    }

    /** Why a request is refused, before any scripted reply is considered. */
    private record Rejection(int status, String message) {
    }

    /**
     * What one answer is made of.
     *
     * @param inputTokens  words in the request's messages and system prompt
     * @param tokens       the answer's tokens, in order
     * @param includeUsage whether an OpenAI stream ends with a usage chunk
     */
    private record Answer(String id, String model, long created, int inputTokens, List<String> tokens,
                          boolean includeUsage) {

        String text() {
            return String.join("", tokens);
        }

        int outputTokens() {
            return tokens.size();
        }
    }

    /** Writes server-sent events, flushing after each. */
    private static final class Sse {
        private final OutputStream out;

        Sse(OutputStream out) {
            this.out = out;
        }

        void data(String data) throws IOException {
            write("data: " + data + "\n\n");
        }

        void event(String event, JsonNode data) throws IOException {
            write("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n");
        }

        private void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** One API's wire format. */
    private abstract static class Wire {

        abstract String api();

        abstract String newId(long n);

        /** A header or body problem the API answers with an error, or null. */
        abstract Rejection reject(RecordedLlmRequest request, String apiKey);

        /** The API's error body for {@code status}. */
        abstract String errorBody(int status, String message);

        /** The whole answer as one JSON object. */
        abstract String message(Answer answer);

        abstract void streamStart(Sse sse, Answer answer) throws IOException;

        abstract void streamToken(Sse sse, Answer answer, String token) throws IOException;

        abstract void streamEnd(Sse sse, Answer answer) throws IOException;
    }

    private static final class OpenAiWire extends Wire {
        static final OpenAiWire INSTANCE = new OpenAiWire();

        @Override
        String api() {
            return "openai";
        }

        @Override
        String newId(long n) {
            return String.format(Locale.ROOT, "chatcmpl-fake%019d", n);
        }

        @Override
        Rejection reject(RecordedLlmRequest request, String apiKey) {
            String authorization = request.header("authorization");
            if (apiKey != null && !("Bearer " + apiKey).equals(authorization)) {
                return new Rejection(401, unauthorised(authorization));
            }
            JsonNode body = request.body();
            if (!body.isObject()) {
                return new Rejection(400, "We could not parse the JSON body of your request. (HINT: This likely"
                        + " means you aren't using your HTTP library correctly. The OpenAI API expects a JSON"
                        + " payload, but what was sent was not valid JSON.)");
            }
            if (!body.path("model").isString()) {
                return new Rejection(400, "you must provide a model parameter");
            }
            if (!body.path("messages").isArray()) {
                return new Rejection(400, "Missing required parameter: 'messages'.");
            }
            if (body.path("messages").isEmpty()) {
                return new Rejection(400, "Invalid 'messages': empty array. Expected an array with minimum length 1,"
                        + " but got an empty array instead.");
            }
            return null;
        }

        private static String unauthorised(String authorization) {
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return "You didn't provide an API key. You need to provide your API key in an Authorization"
                        + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
            }
            String key = authorization.substring("Bearer ".length());
            String masked = key.length() > 8
                    ? key.substring(0, 3) + "*".repeat(key.length() - 7) + key.substring(key.length() - 4) : "****";
            return "Incorrect API key provided: " + masked
                    + ". You can find your API key at https://platform.openai.com/account/api-keys.";
        }

        @Override
        String errorBody(int status, String message) {
            ObjectNode error = JSON.createObjectNode();
            error.put("message", message);
            error.put("type", status == 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error");
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

        @Override
        String message(Answer answer) {
            ObjectNode body = head(answer, "chat.completion");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", answer.text());
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", "stop");
            body.set("usage", usage(answer));
            body.putNull("system_fingerprint");
            return JSON.writeValueAsString(body);
        }

        @Override
        void streamStart(Sse sse, Answer answer) throws IOException {
            ObjectNode delta = JSON.createObjectNode();
            delta.put("role", "assistant");
            delta.put("content", "");
            sse.data(chunk(answer, delta, null));
        }

        @Override
        void streamToken(Sse sse, Answer answer, String token) throws IOException {
            ObjectNode delta = JSON.createObjectNode();
            delta.put("content", token);
            sse.data(chunk(answer, delta, null));
        }

        @Override
        void streamEnd(Sse sse, Answer answer) throws IOException {
            sse.data(chunk(answer, JSON.createObjectNode(), "stop"));
            if (answer.includeUsage()) {
                ObjectNode body = head(answer, "chat.completion.chunk");
                body.putArray("choices");
                body.set("usage", usage(answer));
                body.putNull("system_fingerprint");
                sse.data(JSON.writeValueAsString(body));
            }
            sse.data("[DONE]");
        }

        private static String chunk(Answer answer, ObjectNode delta, String finishReason) {
            ObjectNode body = head(answer, "chat.completion.chunk");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
            body.putNull("system_fingerprint");
            if (answer.includeUsage()) {
                body.putNull("usage");
            }
            return JSON.writeValueAsString(body);
        }

        private static ObjectNode head(Answer answer, String object) {
            ObjectNode body = JSON.createObjectNode();
            body.put("id", answer.id());
            body.put("object", object);
            body.put("created", answer.created());
            body.put("model", answer.model());
            return body;
        }

        private static ObjectNode usage(Answer answer) {
            ObjectNode usage = JSON.createObjectNode();
            usage.put("prompt_tokens", answer.inputTokens());
            usage.put("completion_tokens", answer.outputTokens());
            usage.put("total_tokens", answer.inputTokens() + answer.outputTokens());
            return usage;
        }
    }

    private static final class AnthropicWire extends Wire {
        static final AnthropicWire INSTANCE = new AnthropicWire();

        @Override
        String api() {
            return "anthropic";
        }

        @Override
        String newId(long n) {
            return String.format(Locale.ROOT, "msg_fake%016d", n);
        }

        @Override
        Rejection reject(RecordedLlmRequest request, String apiKey) {
            String key = request.header("x-api-key");
            if (apiKey != null && key == null) {
                return new Rejection(401, "x-api-key header is required");
            }
            if (apiKey != null && !apiKey.equals(key)) {
                return new Rejection(401, "invalid x-api-key");
            }
            if (request.header("anthropic-version") == null) {
                return new Rejection(400, "anthropic-version: header is required");
            }
            JsonNode body = request.body();
            if (!body.isObject()) {
                return new Rejection(400, "There was an error parsing the body of your request."
                        + " Please check that it is valid JSON.");
            }
            for (String field : List.of("model", "max_tokens", "messages")) {
                if (body.path(field).isMissingNode() || body.path(field).isNull()) {
                    return new Rejection(400, field + ": Field required");
                }
            }
            if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
                return new Rejection(400, "messages: at least one message is required");
            }
            return null;
        }

        @Override
        String errorBody(int status, String message) {
            ObjectNode error = JSON.createObjectNode();
            error.put("type", switch (status) {
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 413 -> "request_too_large";
                case 429 -> "rate_limit_error";
                case 529 -> "overloaded_error";
                default -> status >= 500 ? "api_error" : "invalid_request_error";
            });
            error.put("message", message);
            ObjectNode body = JSON.createObjectNode();
            body.put("type", "error");
            body.set("error", error);
            return JSON.writeValueAsString(body);
        }

        @Override
        String message(Answer answer) {
            ObjectNode body = message(answer, answer.text(), "end_turn", answer.outputTokens());
            return JSON.writeValueAsString(body);
        }

        private static ObjectNode message(Answer answer, String text, String stopReason, int outputTokens) {
            ObjectNode body = JSON.createObjectNode();
            body.put("id", answer.id());
            body.put("type", "message");
            body.put("role", "assistant");
            body.put("model", answer.model());
            ArrayNode content = body.putArray("content");
            if (text != null) {
                ObjectNode block = content.addObject();
                block.put("type", "text");
                block.put("text", text);
            }
            if (stopReason == null) {
                body.putNull("stop_reason");
            } else {
                body.put("stop_reason", stopReason);
            }
            body.putNull("stop_sequence");
            ObjectNode usage = body.putObject("usage");
            usage.put("input_tokens", answer.inputTokens());
            usage.put("output_tokens", outputTokens);
            return body;
        }

        @Override
        void streamStart(Sse sse, Answer answer) throws IOException {
            ObjectNode start = event("message_start");
            start.set("message", message(answer, null, null, 1));
            sse.event("message_start", start);

            ObjectNode blockStart = event("content_block_start");
            blockStart.put("index", 0);
            ObjectNode block = blockStart.putObject("content_block");
            block.put("type", "text");
            block.put("text", "");
            sse.event("content_block_start", blockStart);

            sse.event("ping", event("ping"));
        }

        @Override
        void streamToken(Sse sse, Answer answer, String token) throws IOException {
            ObjectNode delta = event("content_block_delta");
            delta.put("index", 0);
            ObjectNode text = delta.putObject("delta");
            text.put("type", "text_delta");
            text.put("text", token);
            sse.event("content_block_delta", delta);
        }

        @Override
        void streamEnd(Sse sse, Answer answer) throws IOException {
            ObjectNode blockStop = event("content_block_stop");
            blockStop.put("index", 0);
            sse.event("content_block_stop", blockStop);

            ObjectNode messageDelta = event("message_delta");
            ObjectNode delta = messageDelta.putObject("delta");
            delta.put("stop_reason", "end_turn");
            delta.putNull("stop_sequence");
            messageDelta.putObject("usage").put("output_tokens", answer.outputTokens());
            sse.event("message_delta", messageDelta);

            sse.event("message_stop", event("message_stop"));
        }

        private static ObjectNode event(String type) {
            ObjectNode event = JSON.createObjectNode();
            event.put("type", type);
            return event;
        }
    }
}
