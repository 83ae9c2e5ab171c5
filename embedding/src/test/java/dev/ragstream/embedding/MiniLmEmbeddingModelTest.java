package dev.ragstream.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MiniLmEmbeddingModelTest extends EmbeddingModelContract {

    private static MiniLmEmbeddingModel model;

    @BeforeAll
    static void loadModel() {
        model = MiniLmEmbeddingModel.load();
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Override
    protected EmbeddingModel model() {
        return model;
    }

    @Test
    void describesItself() {
        assertThat(model.name()).isEqualTo("all-minilm-l6-v2");
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(model.maxTokens()).isEqualTo(126);
    }

    @Test
    void countsTokensWithoutClsAndSep() {
        // [CLS] hello , world ! token ##izer ##s are fun . [SEP]
        assertThat(model.countTokens("Hello, World! Tokenizers are fun.")).isEqualTo(10);
        assertThat(model.countTokens("")).isZero();
        assertThat(model.countTokens(longText(126))).isEqualTo(126);
    }

    @Test
    void countsOfTextsJoinedByWhitespaceAddUp() {
        List<String> texts = List.of("Hello, World!", "Tokenizers are fun.", "Crème brûlée à Zürich", "東京タワー斑马",
                "order #48213-B (v2.1)", "e-mail: a.b@example.com", "    leading and trailing   ", "x", "",
                "Ünïcödé ΑΒΓ δέλτα", "emoji 🙂 end", "tab\tseparated\rcarriage", "ﬁ ligature and ½ half");
        assertThat(model.countsAddUpAcrossWhitespace()).isTrue();
        for (String a : texts) {
            for (String b : texts) {
                for (String space : List.of("\n\n", " ", "\n")) {
                    assertThat(model.countTokens(a + space + b)).as("'%s' + '%s'", a, b)
                            .isEqualTo(model.countTokens(a) + model.countTokens(b));
                }
            }
        }
    }

    @Test
    void countsLongTextPastTheWindow() {
        String fiveHundredWords = longText(500);

        assertThat(model.countTokens(fiveHundredWords)).isEqualTo(500).isGreaterThan(model.maxTokens());
    }

    @Test
    void rejectsNullWhenCounting() {
        assertThatThrownBy(() -> model.countTokens(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsExactlyMaxTokensOfALongText() {
        String words126 = longText(126);
        String words125 = words126.substring(0, words126.lastIndexOf(' '));
        String words300 = words126 + " " + longText(174);

        List<float[]> vectors = model.embedAll(List.of(words125, words126, words300));

        assertThat(vectors.get(2)).containsExactly(vectors.get(1), within(1e-4f));
        assertThat(cosine(vectors.get(2), vectors.get(0))).isLessThan(1 - 1e-5);
    }

    @Test
    void agreesWithLangChain4jsOneTextAtATimeModel() {
        // An independent implementation of the same model: no padding, no batching, Hugging Face's tokenizer for
        // every text (here the Java WordPiece takes the texts in Latin script, Hugging Face the one with Japanese)
        var reference = new AllMiniLmL6V2EmbeddingModel();
        List<String> texts = List.of(QUESTION, ANSWER, UNRELATED, longText(100), "A naïve café — “Crème brûlée” for 5 €",
                "Tokyo (東京) Tower at night");

        List<float[]> vectors = model.embedAll(texts);

        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.embed(texts.get(i)).content().vector();
            assertThat(vectors.get(i)).as("text %d", i).containsExactly(expected, within(1e-4f));
        }
    }

    @Test
    void givesTheSameVectorsToConcurrentCallers() throws Exception {
        List<String> texts = IntStream.range(0, 36).mapToObj(i -> longText(1 + i)).toList();
        List<float[]> expected = model.embedAll(texts);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<float[]>>> results = IntStream.range(0, 3)
                    .mapToObj(i -> callers.submit(() -> model.embedAll(texts)))
                    .toList();
            for (Future<List<float[]>> result : results) {
                List<float[]> vectors = result.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(vectors.get(i)).containsExactly(expected.get(i), within(1e-5f));
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void givesEachTextTheSameVectorWhateverTextsShareItsCall() {
        String text = "Every full-time employee receives 27 days of paid vacation per calendar year.";
        List<String> others = List.of("Descale the espresso machine every month, more often where the water is hard.", "Hi");
        for (MiniLmEmbeddingModel.Variant variant : MiniLmEmbeddingModel.Variant.values()) {
            try (MiniLmEmbeddingModel built = MiniLmEmbeddingModel.load(variant)) {
                float[] alone = built.embedAll(List.of(text)).get(0);
                float[] inCompany = built.embedAll(List.of(others.get(0), text, others.get(1))).get(1);
                assertThat(inCompany).as("%s (the int8 build quantises each run's activations as a whole)", variant)
                        .containsExactly(alone, within(1e-5f));
            }
        }
    }

    @Test
    void refusesWorkOnceClosed() {
        MiniLmEmbeddingModel closed = MiniLmEmbeddingModel.load();
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.embedAll(List.of(QUESTION))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.countTokens(QUESTION)).isInstanceOf(IllegalStateException.class);
    }
}
