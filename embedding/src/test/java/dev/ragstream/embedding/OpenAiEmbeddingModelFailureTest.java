package dev.ragstream.embedding;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import dev.ragstream.testsupport.openai.RecordedRequest;
import dev.ragstream.testsupport.openai.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Retries, fail-fast rejections and the circuit breaker, against a server scripted to fail. */
class OpenAiEmbeddingModelFailureTest {

    private static final String KEY = "sk-canary-KEY-7f3a9c1e5b";
    private static final String TEXT = "CANARY-TEXT: the merger with Globex closes on 3 March";
    private static final OpenAiEmbeddingOptions OPTIONS = OpenAiEmbeddingOptions.defaultsFor(EmbeddingSettings.OPENAI);

    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private FakeOpenAiEmbeddingsServer server;

    @BeforeEach
    void startServer() {
        server = FakeOpenAiEmbeddingsServer.start().requireApiKey(KEY);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private OpenAiEmbeddingModel model(OpenAiEmbeddingOptions options) {
        return model(options, KEY, server.baseUrl());
    }

    private OpenAiEmbeddingModel model(OpenAiEmbeddingOptions options, String key, URI baseUrl) {
        EmbeddingSettings settings = new EmbeddingSettings(EmbeddingSettings.OPENAI, "text-embedding-3-small", 64, key, baseUrl);
        return new OpenAiEmbeddingModel(settings, options, OpenAiEmbeddingModel.newHttpClient(), sleeper, clock);
    }

    @Test
    void waitsAtLeastRetryAfterSecondsBeforeRetryingA429() {
        server.answerNext(1, Reply.rateLimited(Duration.ofSeconds(7)));

        assertThat(model(OPTIONS).embedAll(List.of(TEXT))).hasSize(1);

        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(sleeper.waits()).singleElement().isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void waitsAtLeastRetryAfterMsBeforeRetryingA429() {
        server.answerNext(1, Reply.rateLimited().withHeader("retry-after-ms", "1500.5"));

        model(OPTIONS).embedAll(List.of(TEXT));

        assertThat(sleeper.waits()).singleElement().satisfies(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofMillis(1500)));
    }

    @Test
    void waitsUntilARetryAfterDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(20).atOffset(ZoneOffset.UTC));
        server.answerNext(1, Reply.rateLimited().withHeader("Retry-After", date));

        model(OPTIONS).embedAll(List.of(TEXT));

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(20));
    }

    @Test
    void cutsAnOverlongRetryAfterToTheMostHonoured() {
        server.answerNext(1, Reply.rateLimited(Duration.ofHours(1)));

        model(OPTIONS).embedAll(List.of(TEXT));

        assertThat(sleeper.waits()).containsExactly(OPTIONS.maxRetryAfter());
    }

    @Test
    void theRetryReallyComesNoSoonerThanRetryAfter() {
        server.answerNext(1, Reply.rateLimited().withHeader("retry-after-ms", "400"));
        EmbeddingSettings settings = new EmbeddingSettings(EmbeddingSettings.OPENAI, "text-embedding-3-small", 64, KEY, server.baseUrl());

        try (OpenAiEmbeddingModel realTime = new OpenAiEmbeddingModel(settings)) {
            realTime.embedAll(List.of(TEXT));
        }

        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void retriesServerErrorsWithGrowingJitteredBackoffThenSucceeds() {
        server.answerNext(1, Reply.error(503, "The engine is currently overloaded"));
        server.answerNext(1, Reply.error(500, "The server had an error while processing your request"));
        server.answerNext(1, Reply.error(502, "Bad gateway"));

        assertThat(model(OPTIONS).embedAll(List.of(TEXT))).hasSize(1);

        assertThat(server.requestCount()).isEqualTo(4);
        List<Duration> waits = sleeper.waits();
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(waits.get(1)).isLessThanOrEqualTo(Duration.ofMillis(1000));
        assertThat(waits.get(2)).isLessThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void retriesATimeout() {
        server.answerNext(1, Reply.delayed(Duration.ofSeconds(5)));

        assertThat(model(OPTIONS.withRequestTimeout(Duration.ofMillis(300))).embedAll(List.of(TEXT))).hasSize(1);

        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void givesUpAfterMaxAttemptsWithARetryableFailure() {
        server.answerNext(5, Reply.error(503, "The engine is currently overloaded").withHeader("Retry-After", "2"));

        EmbeddingException failure = catchThrowableOfType(EmbeddingException.class,
                () -> model(OPTIONS).embedAll(List.of(TEXT)));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(failure).hasMessageContaining("openai:text-embedding-3-small:64").hasMessageContaining("HTTP 503")
                .hasMessageContaining("overloaded").hasMessageContaining("after 5 attempts");
        assertThat(server.requestCount()).isEqualTo(5);
        assertThat(sleeper.waits()).hasSize(4);
    }

    @Test
    void givesUpOnAnUnreachableServerWithARetryableFailure() {
        URI closed = server.baseUrl();
        server.close();

        EmbeddingException failure = catchThrowableOfType(EmbeddingException.class,
                () -> model(OPTIONS.withMaxAttempts(2), KEY, closed).embedAll(List.of(TEXT)));

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("could not be reached").hasMessageContaining("after 2 attempts");
        assertThat(sleeper.waits()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 409, 422})
    void failsAtOnceWhenTheRequestIsRejected(int status) {
        server.answerNext(1, Reply.error(status, "This request is not acceptable"));

        EmbeddingException failure = catchThrowableOfType(EmbeddingException.class,
                () -> model(OPTIONS).embedAll(List.of(TEXT)));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure.retryAfter()).isNull();
        assertThat(failure).hasMessageContaining("rejected the request with HTTP " + status)
                .hasMessageContaining("This request is not acceptable");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void failsAtOnceWithAWrongKeyAndDoesNotRepeatIt() {
        String wrongKey = "sk-wrong-KEY-31415926535";

        EmbeddingException failure = catchThrowableOfType(EmbeddingException.class,
                () -> model(OPTIONS, wrongKey, server.baseUrl()).embedAll(List.of(TEXT)));

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("HTTP 401").hasMessageContaining("Incorrect API key provided")
                .hasMessageNotContaining(wrongKey).hasMessageNotContaining("31415926535".substring(7));
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void opensTheCircuitAfterRepeatedFailuresThenMakesNoRequestUntilItHalfOpens() {
        OpenAiEmbeddingModel model = model(OPTIONS.withMaxAttempts(1));
        server.answerNext(5, Reply.error(503, "The engine is currently overloaded"));
        for (int call = 0; call < 5; call++) {
            assertThatThrownBy(() -> model.embedAll(List.of(TEXT))).isInstanceOf(EmbeddingException.class);
        }

        EmbeddingException open = catchThrowableOfType(EmbeddingException.class, () -> model.embedAll(List.of(TEXT)));

        assertThat(open.retryable()).isTrue();
        assertThat(open.retryAfter()).isEqualTo(OPTIONS.circuitOpenDuration());
        assertThat(open).hasMessageContaining("circuit breaker is open");
        assertThat(server.requestCount()).isEqualTo(5);

        clock.advance(OPTIONS.circuitOpenDuration().plusSeconds(1));
        assertThat(model.embedAll(List.of(TEXT))).hasSize(1);
        assertThat(server.requestCount()).isEqualTo(6);
    }

    @Test
    void rateLimitedRequestsDoNotOpenTheCircuit() {
        OpenAiEmbeddingModel model = model(OPTIONS.withMaxAttempts(1));
        server.answerNext(8, Reply.rateLimited(Duration.ofSeconds(1)));
        for (int call = 0; call < 8; call++) {
            assertThatThrownBy(() -> model.embedAll(List.of(TEXT))).isInstanceOf(EmbeddingException.class);
        }

        assertThat(model.embedAll(List.of(TEXT))).hasSize(1);
        assertThat(server.requestCount()).isEqualTo(9);
    }

    @Test
    void rejectedRequestsDoNotOpenTheCircuit() {
        OpenAiEmbeddingModel model = model(OPTIONS);
        server.answerNext(8, Reply.error(400, "'$.input' is invalid"));
        for (int call = 0; call < 8; call++) {
            assertThatThrownBy(() -> model.embedAll(List.of(TEXT))).isInstanceOf(EmbeddingException.class);
        }

        assertThat(model.embedAll(List.of(TEXT))).hasSize(1);
        assertThat(server.requestCount()).isEqualTo(9);
    }

    @Test
    void keepsTheKeyAndTheTextsOutOfMessagesAndLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger(OpenAiEmbeddingModel.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            // Some servers echo the input in validation errors, and a careless proxy the key.
            String echo = "Invalid input '" + TEXT + "' with key " + KEY;
            server.answerNext(1, Reply.error(503, echo));
            server.answerNext(1, Reply.error(422, echo));

            EmbeddingException failure = catchThrowableOfType(EmbeddingException.class,
                    () -> model(OPTIONS).embedAll(List.of(TEXT)));

            assertThat(failure).hasMessageContaining("HTTP 422").hasMessageNotContaining("CANARY")
                    .hasMessageNotContaining(KEY).hasMessageNotContaining("7f3a9c1e5b");
            assertThat(logs.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
                    .doesNotContain("CANARY").doesNotContain("7f3a9c1e5b"));
        } finally {
            logger.detachAppender(logs);
        }
    }
}
