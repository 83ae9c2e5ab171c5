package dev.ragstream.query.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import dev.ragstream.query.QueryProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Asks a tenant's language model, streaming: one LangChain4j model per distinct settings (so a
 * tenant's key stays its own), one circuit breaker per provider server. A 429, 5xx, timeout or lost
 * connection before the first token is retried {@link QueryProperties#llmRetries()} times with
 * doubling waits (LangChain4j does not hand a {@code Retry-After} through, so the waits are ours);
 * after a token was delivered nothing is retried — the caller already passed it on. Only server
 * failures (5xx, timeouts, lost connections) count against the breaker: a 429 or a refused key
 * is one tenant's matter, not the server's.
 */
@Component
public class LlmChat {

    private static final Duration BREAKER_OPEN = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);

    /** The answer's text and the tokens the provider counted (0 when it did not say). */
    public record Completion(String text, int inputTokens, int outputTokens) {
    }

    private enum Failure { RATE_LIMITED, SERVER, REFUSED }

    private final QueryProperties properties;
    private final Map<LlmSettings, StreamingChatModel> models = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(20)
            .minimumNumberOfCalls(10).failureRateThreshold(50).waitDurationInOpenState(BREAKER_OPEN)
            .permittedNumberOfCallsInHalfOpenState(1).build();

    public LlmChat(QueryProperties properties) {
        this.properties = properties;
    }

    /**
     * @param history earlier messages of the conversation, oldest first
     * @param tokens receives the answer piece by piece, possibly on another thread, never after this returns
     * @throws LlmUnavailableException when the provider keeps failing, its breaker is open, or it failed mid-answer
     * @throws LlmRefusedException     when the provider refuses the request for good (4xx other than 429)
     */
    public Completion chat(LlmSettings settings, String system, List<Turn> history, String user, Consumer<String> tokens)
            throws LlmUnavailableException, LlmRefusedException {
        CircuitBreaker breaker = breakers.computeIfAbsent(settings.server(), name -> CircuitBreaker.of(name, breakerConfig));
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(system));
        history.forEach(turn -> messages.add(turn.fromUser() ? UserMessage.from(turn.content()) : AiMessage.from(turn.content())));
        messages.add(UserMessage.from(user));
        ChatRequest request = ChatRequest.builder().messages(messages).build();
        Duration wait = FIRST_RETRY;
        for (int attempt = 0; ; attempt++) {
            if (!breaker.tryAcquirePermission()) {
                throw new LlmUnavailableException("the " + settings.provider() + " server is failing; its circuit breaker is open",
                        BREAKER_OPEN, "", null);
            }
            StringBuilder delivered = new StringBuilder();
            long started = System.nanoTime();
            try {
                ChatResponse response = once(model(settings), request, piece -> {
                    synchronized (delivered) {
                        delivered.append(piece);
                    }
                    tokens.accept(piece);
                });
                breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                TokenUsage usage = response.tokenUsage();
                return new Completion(response.aiMessage().text() == null ? delivered.toString() : response.aiMessage().text(),
                        usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                        usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
            } catch (Throwable failed) {
                Failure failure = classify(failed);
                if (failure == Failure.SERVER) {
                    breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, failed);
                } else {
                    breaker.releasePermission();
                }
                String partial;
                synchronized (delivered) {
                    partial = delivered.toString();
                }
                if (failure == Failure.REFUSED) {
                    throw new LlmRefusedException("the " + settings.provider() + " provider refused the request: "
                            + failed.getClass().getSimpleName(), failed);
                }
                if (!partial.isEmpty() || attempt >= properties.llmRetries()) {
                    throw new LlmUnavailableException("the " + settings.provider() + " provider failed"
                            + (partial.isEmpty() ? " " + (attempt + 1) + " times" : " mid-answer") + ": "
                            + failed.getClass().getSimpleName(), Duration.ofSeconds(10), partial, failed);
                }
                sleep(wait);
                wait = wait.multipliedBy(2);
            }
        }
    }

    /** One streamed call, waited for; a stream that ends without a finish reason was cut off. */
    private ChatResponse once(StreamingChatModel model, ChatRequest request, Consumer<String> tokens) throws Throwable {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                if (!done.isDone() && partial != null && !partial.isEmpty()) {
                    tokens.accept(partial);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                if (response.finishReason() == null) {
                    done.completeExceptionally(new IOException("the answer stream ended without a finish reason"));
                } else {
                    done.complete(response);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return done.get(properties.llmTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            done.cancel(false);
            throw new IOException("no complete answer within " + properties.llmTimeout().toSeconds() + " s", e);
        }
    }

    private static Failure classify(Throwable failed) {
        for (Throwable t = failed; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException) {
                return Failure.RATE_LIMITED;
            }
            if (t instanceof InternalServerException || t instanceof dev.langchain4j.exception.TimeoutException) {
                return Failure.SERVER;
            }
            if (t instanceof HttpException http) {
                return http.statusCode() == 429 ? Failure.RATE_LIMITED
                        : http.statusCode() >= 500 || http.statusCode() == 408 ? Failure.SERVER : Failure.REFUSED;
            }
            if (t instanceof NonRetriableException) {
                return Failure.REFUSED;
            }
            if (t instanceof RetriableException || t instanceof IOException) {
                return Failure.SERVER;
            }
        }
        return Failure.SERVER;
    }

    private StreamingChatModel model(LlmSettings settings) {
        return models.computeIfAbsent(settings, s -> switch (s.provider()) {
            case LlmSettings.CLAUDE -> AnthropicStreamingChatModel.builder().baseUrl(s.baseUrl().toString()).apiKey(s.apiKey())
                    .modelName(s.model()).maxTokens(properties.llmMaxTokens()).temperature(0.2)
                    .timeout(properties.llmTimeout()).build();
            default -> OpenAiStreamingChatModel.builder().baseUrl(s.baseUrl().toString())
                    .apiKey(s.apiKey() == null ? "none" : s.apiKey()) // servers without keys ignore it
                    .modelName(s.model()).maxTokens(properties.llmMaxTokens()).temperature(0.2)
                    .timeout(properties.llmTimeout()).build();
        });
    }

    private static void sleep(Duration wait) throws LlmUnavailableException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmUnavailableException("interrupted while waiting to retry", Duration.ofSeconds(10), "", e);
        }
    }
}
