package dev.ragstream.testsupport.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

class FakeLlmServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String KEY = "sk-test-0123456789abcdef";
    private static final List<ChatMessage> QUESTION = List.of(
            SystemMessage.from("Answer only from the documents."),
            UserMessage.from("What do the documents say?"));
    /** Words in {@link #QUESTION}: 5 in the system prompt, 5 in the user message. */
    private static final int QUESTION_WORDS = 10;

    private FakeLlmServer server;

    @BeforeEach
    void start() {
        server = FakeLlmServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void tokensKeepTheirLeadingWhitespaceAndConcatenateToTheText() {
        assertThat(FakeLlmServer.tokens("Hello world.")).containsExactly("Hello", " world", ".");
        assertThat(FakeLlmServer.tokens("The documents say so [1].")).containsExactly(
                "The", " documents", " say", " so", " [", "1", "]", ".");
        assertThat(String.join("", FakeLlmServer.tokens("  two\n lines, ok?  "))).isEqualTo("  two\n lines, ok?  ");
        assertThat(FakeLlmServer.tokens("")).isEmpty();
    }

    @Test
    void openAiStreamsTheScriptedTextTokenByTokenWithUsage() throws Exception {
        String text = "Hello world, the handbook grants 25 days of leave [1].";
        server.answerNext(LlmReply.text(text));

        Collector collector = stream(openAiStreaming(KEY), QUESTION);
        ChatResponse response = collector.response();

        assertThat(collector.partials).containsExactlyElementsOf(FakeLlmServer.tokens(text));
        assertThat(String.join("", collector.partials)).isEqualTo(text);
        assertThat(response.aiMessage().text()).isEqualTo(text);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage()).isNotNull();
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(QUESTION_WORDS);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(FakeLlmServer.tokens(text).size());
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(QUESTION_WORDS + FakeLlmServer.tokens(text).size());

        RecordedLlmRequest request = server.requests().get(0);
        assertThat(request.api()).isEqualTo("openai");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.stream()).isTrue();
        assertThat(request.model()).isEqualTo("gpt-4o-mini");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.systemPrompt()).isEqualTo("Answer only from the documents.");
        assertThat(request.lastUserMessage()).isEqualTo("What do the documents say?");
    }

    @Test
    void anthropicStreamsTheScriptedTextTokenByTokenWithUsage() throws Exception {
        String text = "Hello world, the handbook grants 25 days of leave [1].";
        server.answerNext(LlmReply.text(text));

        Collector collector = stream(anthropicStreaming(KEY), QUESTION);
        ChatResponse response = collector.response();

        assertThat(collector.partials).containsExactlyElementsOf(FakeLlmServer.tokens(text));
        assertThat(String.join("", collector.partials)).isEqualTo(text);
        assertThat(response.aiMessage().text()).isEqualTo(text);
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(QUESTION_WORDS);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(FakeLlmServer.tokens(text).size());

        RecordedLlmRequest request = server.requests().get(0);
        assertThat(request.api()).isEqualTo("anthropic");
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.stream()).isTrue();
        assertThat(request.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(request.header("x-api-key")).isEqualTo(KEY);
        assertThat(request.header("anthropic-version")).isNotBlank();
        assertThat(request.systemPrompt()).isEqualTo("Answer only from the documents.");
        assertThat(request.lastUserMessage()).isEqualTo("What do the documents say?");
    }

    @Test
    void openAiAnswersWithoutStreamingTheDefaultAnswer() {
        ChatResponse response = openAi(KEY).chat(QUESTION);

        assertThat(response.aiMessage().text()).isEqualTo(FakeLlmServer.INITIAL_DEFAULT_ANSWER)
                .isEqualTo(server.defaultAnswer());
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(QUESTION_WORDS);
        assertThat(response.tokenUsage().outputTokenCount())
                .isEqualTo(FakeLlmServer.tokens(FakeLlmServer.INITIAL_DEFAULT_ANSWER).size());
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request.stream()).isFalse();
            assertThat(request.systemPrompt()).isEqualTo("Answer only from the documents.");
            assertThat(request.lastUserMessage()).isEqualTo("What do the documents say?");
        });
    }

    @Test
    void anthropicAnswersWithoutStreamingTheDefaultAnswerAsSet() {
        server.setDefaultAnswer("Something else entirely.");

        ChatResponse response = anthropic(KEY).chat(QUESTION);

        assertThat(response.aiMessage().text()).isEqualTo("Something else entirely.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(QUESTION_WORDS);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request.stream()).isFalse();
            assertThat(request.body().path("max_tokens").asInt()).isEqualTo(256);
            assertThat(request.systemPrompt()).isEqualTo("Answer only from the documents.");
            assertThat(request.lastUserMessage()).isEqualTo("What do the documents say?");
        });
    }

    @Test
    void scriptedRepliesAreUsedInOrderAcrossBothApis() {
        server.answerNext(LlmReply.text("First.")).answerNext(LlmReply.text("Second."));

        assertThat(anthropic(KEY).chat(QUESTION).aiMessage().text()).isEqualTo("First.");
        assertThat(openAi(KEY).chat(QUESTION).aiMessage().text()).isEqualTo("Second.");
        assertThat(openAi(KEY).chat(QUESTION).aiMessage().text()).isEqualTo(server.defaultAnswer());
        assertThat(server.requests()).extracting(RecordedLlmRequest::api)
                .containsExactly("anthropic", "openai", "openai");

        server.clearRequests();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void rateLimitSurfacesAsRateLimitException() throws Exception {
        server.answerNext(LlmReply.error(429, "Rate limit reached for requests").withHeader("Retry-After", "1"));
        assertThatThrownBy(() -> openAi(KEY).chat(QUESTION))
                .isInstanceOf(RateLimitException.class).hasMessageContaining("Rate limit reached for requests");

        server.answerNext(LlmReply.error(429, "Number of request tokens has exceeded your rate limit"));
        assertThatThrownBy(() -> anthropic(KEY).chat(QUESTION))
                .isInstanceOf(RateLimitException.class).hasMessageContaining("rate_limit_error");

        server.answerNext(LlmReply.error(429, "Rate limit reached for requests"));
        assertThat(stream(openAiStreaming(KEY), QUESTION).error()).isInstanceOf(RateLimitException.class);

        server.answerNext(LlmReply.error(429, "Number of request tokens has exceeded your rate limit"));
        assertThat(stream(anthropicStreaming(KEY), QUESTION).error()).isInstanceOf(RateLimitException.class);
    }

    @Test
    void serverErrorsSurfaceAsInternalServerException() throws Exception {
        server.answerNext(LlmReply.error(500, "The server had an error while processing your request."));
        assertThatThrownBy(() -> openAi(KEY).chat(QUESTION))
                .isInstanceOf(InternalServerException.class).hasMessageContaining("server_error");

        server.answerNext(LlmReply.error(529, "Overloaded"));
        assertThatThrownBy(() -> anthropic(KEY).chat(QUESTION))
                .isInstanceOf(InternalServerException.class).hasMessageContaining("overloaded_error");

        server.answerNext(LlmReply.error(503, "The engine is currently overloaded."));
        assertThat(stream(openAiStreaming(KEY), QUESTION).error()).isInstanceOf(InternalServerException.class);

        server.answerNext(LlmReply.error(500, "Internal server error"));
        assertThat(stream(anthropicStreaming(KEY), QUESTION).error()).isInstanceOf(InternalServerException.class);
    }

    @Test
    void openAiStreamBrokenMidwayEndsInOnErrorAfterThePartialTokens() throws Exception {
        server.answerNext(LlmReply.brokenAfter("The documents say"));

        Collector collector = stream(openAiStreaming(KEY), QUESTION);
        Throwable error = collector.error();

        assertThat(collector.partials).containsExactly("The", " documents", " say");
        // LangChain4j 1.19.0's OpenAI client reports the broken connection, but then (its SSE listener's
        // onClose runs unconditionally) also completes with what it has: the partial text, no finish reason
        // and no usage. Callers must treat onError as final and ignore a completion that follows it.
        assertThat(error).isExactlyInstanceOf(LangChain4jException.class).hasRootCauseInstanceOf(EOFException.class);
        ChatResponse afterError = collector.completion.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(collector.events).containsExactly("partial", "partial", "partial", "error", "complete");
        assertThat(afterError.aiMessage().text()).isEqualTo("The documents say");
        assertThat(afterError.finishReason()).isNull();
        assertThat(afterError.tokenUsage()).isNull();
    }

    @Test
    void anthropicStreamBrokenMidwayEndsInOnErrorAfterThePartialTokens() throws Exception {
        server.answerNext(LlmReply.brokenAfter("The documents say"));

        Collector collector = stream(anthropicStreaming(KEY), QUESTION);
        Throwable error = collector.error();

        assertThat(collector.partials).containsExactly("The", " documents", " say");
        assertThat(error).isExactlyInstanceOf(LangChain4jException.class).hasRootCauseInstanceOf(EOFException.class);
        // No completion follows: the Anthropic client completes only on message_stop.
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !collector.completed);
        assertThat(collector.events).containsExactly("partial", "partial", "partial", "error");
    }

    @Test
    void brokenConnectionWithoutStreamingFails() {
        // Not mapped to a LangChain4j exception: the JDK client's IOException, wrapped in a RuntimeException.
        server.answerNext(LlmReply.brokenAfter("The documents say"));
        assertThatThrownBy(() -> openAi(KEY).chat(QUESTION))
                .isExactlyInstanceOf(RuntimeException.class).hasCauseInstanceOf(IOException.class)
                .hasRootCauseInstanceOf(EOFException.class);

        server.answerNext(LlmReply.brokenAfter("The documents say"));
        assertThatThrownBy(() -> anthropic(KEY).chat(QUESTION))
                .isExactlyInstanceOf(RuntimeException.class).hasCauseInstanceOf(IOException.class)
                .hasRootCauseInstanceOf(EOFException.class);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void wrongApiKeySurfacesAsAuthenticationError() throws Exception {
        server.requireApiKey(KEY);

        assertThatThrownBy(() -> openAi("sk-wrong-key-000000").chat(QUESTION))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("invalid_api_key");
        assertThatThrownBy(() -> anthropic("wrong").chat(QUESTION))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("authentication_error");
        assertThat(stream(openAiStreaming("sk-wrong-key-000000"), QUESTION).error())
                .isInstanceOf(AuthenticationException.class);
        assertThat(stream(anthropicStreaming("wrong"), QUESTION).error())
                .isInstanceOf(AuthenticationException.class);

        assertThat(openAi(KEY).chat(QUESTION).aiMessage().text()).isEqualTo(server.defaultAnswer());
        assertThat(anthropic(KEY).chat(QUESTION).aiMessage().text()).isEqualTo(server.defaultAnswer());
    }

    @Test
    void delayedReplyArrivesAfterTheDelay() {
        server.answerNext(LlmReply.delayed(Duration.ofMillis(300), "Late but right."));
        long started = System.nanoTime();

        ChatResponse response = openAi(KEY).chat(QUESTION);

        assertThat(response.aiMessage().text()).isEqualTo("Late but right.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void delayLongerThanTheClientTimeoutTimesOut() {
        server.answerNext(LlmReply.delayed(Duration.ofSeconds(5), "Too late."));
        ChatModel impatient = OpenAiChatModel.builder().baseUrl(server.openAiBaseUrl()).apiKey(KEY)
                .modelName("gpt-4o-mini").timeout(Duration.ofMillis(300)).maxRetries(0).build();
        assertThatThrownBy(() -> impatient.chat(QUESTION))
                .isInstanceOf(TimeoutException.class).hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void rawWireFormats() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        JsonMapper json = JsonMapper.builder().build();
        String anthropicBody = "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        HttpResponse<String> noVersion = http.send(HttpRequest.newBuilder(URI.create(server.anthropicBaseUrl() + "messages"))
                .POST(HttpRequest.BodyPublishers.ofString(anthropicBody)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noVersion.body()).path("error").path("type").asString()).isEqualTo("invalid_request_error");

        server.answerNext(LlmReply.error(529, "Overloaded").withHeader("Retry-After", "7"));
        HttpResponse<String> overloaded = http.send(HttpRequest.newBuilder(URI.create(server.anthropicBaseUrl() + "messages"))
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(anthropicBody)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.headers().firstValue("retry-after")).contains("7");
        JsonNode error = json.readTree(overloaded.body());
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.path("error").path("type").asString()).isEqualTo("overloaded_error");
        assertThat(error.path("error").path("message").asString()).isEqualTo("Overloaded");

        HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = List.of(stream.body().split("\n\n"));
        assertThat(events.get(0)).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(events.get(events.size() - 3)).contains("\"finish_reason\":\"stop\"");
        assertThat(events.get(events.size() - 2)).contains("\"choices\":[]")
                .contains("\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":8,\"total_tokens\":10}");
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).path("error").path("message").asString()).contains("/v1/completions");
        assertThat(server.requests()).extracting(RecordedLlmRequest::api).containsExactly("anthropic", "anthropic", "openai", null);
    }

    private ChatModel openAi(String apiKey) {
        return OpenAiChatModel.builder().baseUrl(server.openAiBaseUrl()).apiKey(apiKey).modelName("gpt-4o-mini")
                .timeout(WAIT).maxRetries(0).build();
    }

    private StreamingChatModel openAiStreaming(String apiKey) {
        return OpenAiStreamingChatModel.builder().baseUrl(server.openAiBaseUrl()).apiKey(apiKey)
                .modelName("gpt-4o-mini").timeout(WAIT).build();
    }

    private ChatModel anthropic(String apiKey) {
        return AnthropicChatModel.builder().baseUrl(server.anthropicBaseUrl()).apiKey(apiKey)
                .modelName("claude-sonnet-4-5").maxTokens(256).timeout(WAIT).maxRetries(0).build();
    }

    private StreamingChatModel anthropicStreaming(String apiKey) {
        return AnthropicStreamingChatModel.builder().baseUrl(server.anthropicBaseUrl()).apiKey(apiKey)
                .modelName("claude-sonnet-4-5").maxTokens(256).timeout(WAIT).build();
    }

    private static Collector stream(StreamingChatModel model, List<ChatMessage> messages) {
        Collector collector = new Collector();
        model.chat(messages, collector);
        return collector;
    }

    /** Collects a stream's partial responses, its outcome and the order of the callbacks. */
    private static final class Collector implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        /** The first outcome: the complete response, or the error. */
        final CompletableFuture<ChatResponse> outcome = new CompletableFuture<>();
        /** The complete response, whenever it comes. */
        final CompletableFuture<ChatResponse> completion = new CompletableFuture<>();
        volatile boolean completed;

        @Override
        public void onPartialResponse(String partialResponse) {
            events.add("partial");
            partials.add(partialResponse);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            events.add("complete");
            completed = true;
            completion.complete(completeResponse);
            outcome.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            events.add("error");
            outcome.completeExceptionally(error);
        }

        ChatResponse response() throws Exception {
            return outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        Throwable error() throws Exception {
            try {
                ChatResponse response = outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                return fail("expected onError, got onCompleteResponse with " + response);
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }
}
