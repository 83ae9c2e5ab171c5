package dev.ragstream.embedding;

import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import dev.ragstream.testsupport.openai.RecordedRequest;
import dev.ragstream.testsupport.openai.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The wire format against a local server that speaks OpenAI's embeddings API. */
class OpenAiEmbeddingModelTest extends EmbeddingModelContract {

    private static final String KEY = "sk-test-0123456789abcdef";

    private static FakeOpenAiEmbeddingsServer server;
    private static OpenAiEmbeddingModel model;

    @BeforeAll
    static void startServer() {
        server = FakeOpenAiEmbeddingsServer.start().requireApiKey(KEY);
        model = new OpenAiEmbeddingModel(openAi("text-embedding-3-small", null));
    }

    @AfterAll
    static void stopServer() {
        model.close();
        server.close();
    }

    @BeforeEach
    void forgetRequests() {
        server.reset();
    }

    @Override
    protected EmbeddingModel model() {
        return model;
    }

    private static EmbeddingSettings openAi(String model, Integer dimensions) {
        return new EmbeddingSettings(EmbeddingSettings.OPENAI, model, dimensions, KEY, server.baseUrl());
    }

    @Test
    void splitsFiveThousandTextsIntoRequestsOf2048AndKeepsTheirOrder() {
        List<String> texts = IntStream.range(0, 5000).mapToObj(i -> "document " + i + " about topic " + i % 17).toList();
        try (OpenAiEmbeddingModel small = new OpenAiEmbeddingModel(openAi("text-embedding-3-small", 8))) {
            List<float[]> vectors = small.embedAll(texts);

            assertThat(server.requests()).extracting(RecordedRequest::batchSize).containsExactly(2048, 2048, 904);
            assertThat(vectors).hasSize(5000);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(vectors.get(i)).as("text %d", i)
                        .containsExactly(FakeOpenAiEmbeddingsServer.embedding(texts.get(i), 8), within(1e-6f));
            }
        }
    }

    @Test
    void keepsEachRequestUnderTheTokenLimit() {
        // Eight texts of 100,000 characters, about 33,000 estimated tokens each: seven fit in 250,000.
        String longText = "word ".repeat(20_000);
        List<String> texts = Collections.nCopies(8, longText);

        List<float[]> vectors = model.embedAll(texts);

        assertThat(vectors).hasSize(8);
        assertThat(server.requests()).extracting(RecordedRequest::batchSize).containsExactly(7, 1);
    }

    @Test
    void placesVectorsByTheirIndexNotTheirPositionInTheAnswer() {
        server.reverseDataOrder(true);
        try {
            List<float[]> vectors = model.embedAll(List.of(QUESTION, ANSWER, UNRELATED));

            assertThat(vectors.get(0)).containsExactly(FakeOpenAiEmbeddingsServer.embedding(QUESTION, 1536), within(1e-6f));
            assertThat(vectors.get(2)).containsExactly(FakeOpenAiEmbeddingsServer.embedding(UNRELATED, 1536), within(1e-6f));
        } finally {
            server.reverseDataOrder(false);
        }
    }

    @Test
    void sendsDimensionsOnlyWhenConfigured() {
        try (OpenAiEmbeddingModel shortened = new OpenAiEmbeddingModel(openAi("text-embedding-3-large", 256))) {
            assertThat(shortened.embedAll(List.of(QUESTION)).get(0)).hasSize(256);
            assertThat(shortened.dimension()).isEqualTo(256);
            assertThat(shortened.name()).isEqualTo("openai:text-embedding-3-large:256");
        }
        model.embedAll(List.of(QUESTION));

        List<RecordedRequest> requests = server.requests();
        assertThat(requests.get(0).dimensions()).isEqualTo(256);
        assertThat(requests.get(0).body()).contains("\"encoding_format\":\"float\"");
        assertThat(requests.get(1).body()).doesNotContain("dimensions");
        assertThat(requests.get(1).model()).isEqualTo("text-embedding-3-small");
    }

    @Test
    void postsToEmbeddingsUnderTheBaseUrlWithTheKeyAsBearerToken() {
        URI withSlash = URI.create(server.baseUrl() + "/");
        try (OpenAiEmbeddingModel slashed = new OpenAiEmbeddingModel(
                new EmbeddingSettings(EmbeddingSettings.OPENAI, "text-embedding-3-small", null, KEY, withSlash))) {
            slashed.embedAll(List.of(QUESTION));
        }

        RecordedRequest request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/embeddings");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void sendsNoAuthorizationToACompatibleServerWithoutKey() {
        try (FakeOpenAiEmbeddingsServer ollama = FakeOpenAiEmbeddingsServer.start();
             OpenAiEmbeddingModel nomic = new OpenAiEmbeddingModel(compatible(ollama, "nomic-embed-text"))) {
            nomic.embedAll(List.of(QUESTION));

            assertThat(ollama.requests().get(0).header("Authorization")).isNull();
            assertThat(nomic.name()).isEqualTo("openai-compatible:nomic-embed-text");
        }
    }

    @Test
    void normalisesVectorsTheServerLeftLonger() {
        try (FakeOpenAiEmbeddingsServer vllm = FakeOpenAiEmbeddingsServer.start().unnormalisedVectors(true);
             OpenAiEmbeddingModel e5 = new OpenAiEmbeddingModel(compatible(vllm, "intfloat/e5-base-v2"))) {
            float[] vector = e5.embedAll(List.of(QUESTION)).get(0);

            assertThat(vector).containsExactly(FakeOpenAiEmbeddingsServer.embedding(QUESTION, 768), within(1e-6f));
        }
    }

    @Test
    void learnsTheDimensionOfAnUnknownModelWithOneProbe() {
        try (FakeOpenAiEmbeddingsServer ollama = FakeOpenAiEmbeddingsServer.start().unknownModelDimensions(384);
             OpenAiEmbeddingModel minilm = new OpenAiEmbeddingModel(compatible(ollama, "all-minilm"))) {
            assertThat(minilm.dimension()).isEqualTo(384);
            assertThat(minilm.dimension()).isEqualTo(384);

            assertThat(ollama.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void learnsTheDimensionFromTheFirstAnswerWithoutAProbe() {
        try (FakeOpenAiEmbeddingsServer ollama = FakeOpenAiEmbeddingsServer.start().unknownModelDimensions(1024);
             OpenAiEmbeddingModel bge = new OpenAiEmbeddingModel(compatible(ollama, "bge-m3"))) {
            bge.embedAll(List.of(QUESTION, ANSWER));

            assertThat(bge.dimension()).isEqualTo(1024);
            assertThat(ollama.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void knowsTheSizeOfOpenAiModelsWithoutAsking() {
        try (OpenAiEmbeddingModel large = new OpenAiEmbeddingModel(openAi("text-embedding-3-large", null));
             OpenAiEmbeddingModel ada = new OpenAiEmbeddingModel(openAi("text-embedding-ada-002", null))) {
            assertThat(large.dimension()).isEqualTo(3072);
            assertThat(ada.dimension()).isEqualTo(1536);
            assertThat(model.dimension()).isEqualTo(1536);
        }
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void sendsEmptyTextsAsASpaceBecauseOpenAiRejectsEmptyInput() {
        List<float[]> vectors = model.embedAll(List.of("", QUESTION));

        assertThat(vectors).hasSize(2);
        assertThat(server.requests().get(0).input()).containsExactly(" ", QUESTION);
    }

    @Test
    void rejectsAnAnswerWithTooFewEmbeddings() {
        server.answerNext(1, Reply.raw(200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.6,0.8]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}"""));

        assertThatThrownBy(() -> model.embedAll(List.of(QUESTION, ANSWER)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("openai:text-embedding-3-small")
                .hasMessageContaining("no embedding for 1 of 2 inputs");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void rejectsVectorsOfTheWrongDimension() {
        server.answerNext(1, Reply.raw(200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.6,0.8]}]}"""));

        assertThatThrownBy(() -> model.embedAll(List.of(QUESTION)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("vector of 2 dimensions, expected 1536");
    }

    @Test
    void rejectsAnAnswerThatIsNotJson() {
        server.answerNext(1, Reply.raw(200, "<html>proxy login</html>"));

        assertThatThrownBy(() -> model.embedAll(List.of(QUESTION)))
                .isInstanceOfSatisfying(EmbeddingException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesWorkOnceClosed() {
        OpenAiEmbeddingModel closed = new OpenAiEmbeddingModel(openAi("text-embedding-3-small", null));
        closed.close();

        assertThatThrownBy(() -> closed.embedAll(List.of(QUESTION))).isInstanceOf(IllegalStateException.class);
        assertThat(closed.dimension()).isEqualTo(1536);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void refusesTheLocalProvider() {
        assertThatThrownBy(() -> new OpenAiEmbeddingModel(EmbeddingSettings.local()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static EmbeddingSettings compatible(FakeOpenAiEmbeddingsServer server, String model) {
        return new EmbeddingSettings(EmbeddingSettings.OPENAI_COMPATIBLE, model, null, null, server.baseUrl());
    }
}
