package dev.ragstream.embedding;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** What every {@link EmbeddingModel} must do; each implementation's test extends this. */
abstract class EmbeddingModelContract {

    static final String QUESTION = "How many vacation days do employees get?";
    static final String ANSWER = "Staff receive 25 days of paid annual leave.";
    static final String UNRELATED = "Zebras live in the Serengeti.";

    /** The model under test, shared by the test class; the subclass owns its lifecycle. */
    protected abstract EmbeddingModel model();

    @Test
    void returnsVectorsInTheOrderOfTheTexts() {
        // Lengths differ, so an implementation that sorts by length must undo it.
        List<String> texts = List.of(longText(60), QUESTION, UNRELATED, longText(20), ANSWER);
        List<String> reversed = new ArrayList<>(texts);
        Collections.reverse(reversed);

        List<float[]> forward = model().embedAll(texts);
        List<float[]> backward = model().embedAll(reversed);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(forward.get(i)).containsExactly(backward.get(texts.size() - 1 - i), within(1e-5f));
        }
        assertThat(cosine(forward.get(1), forward.get(4))).isGreaterThan(cosine(forward.get(1), forward.get(2)));
    }

    @Test
    void everyVectorHasTheModelsDimension() {
        assertThat(model().embedAll(List.of(QUESTION, "", UNRELATED)))
                .hasSize(3)
                .allSatisfy(vector -> assertThat(vector).hasSize(model().dimension()));
    }

    @Test
    void everyVectorHasUnitLength() {
        for (float[] vector : model().embedAll(List.of(QUESTION, ANSWER, "", longText(300)))) {
            double squares = 0;
            for (float v : vector) {
                squares += v * v;
            }
            assertThat(Math.sqrt(squares)).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertThat(model().embedAll(List.of())).isEmpty();
    }

    @Test
    void rejectsNullTexts() {
        assertThatThrownBy(() -> model().embedAll(Arrays.asList(QUESTION, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model().embedAll(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void placesRelatedSentencesCloserThanUnrelatedOnes() {
        List<float[]> vectors = model().embedAll(List.of(QUESTION, ANSWER, UNRELATED));

        double related = cosine(vectors.get(0), vectors.get(1));
        double unrelated = cosine(vectors.get(0), vectors.get(2));

        assertThat(related).isGreaterThan(unrelated + 0.2);
    }

    @Test
    void embedsATextTheSameWayInABatchAsAlone() {
        // More texts than one batch holds, of many lengths, so most are padded next to longer ones.
        List<String> texts = IntStream.range(0, 45)
                .mapToObj(i -> i % 3 == 0 ? longText(1 + i * 3) : sentence(i))
                .toList();

        List<float[]> batched = model().embedAll(texts);

        for (int i = 0; i < texts.size(); i++) {
            float[] alone = model().embedAll(List.of(texts.get(i))).get(0);
            assertThat(batched.get(i)).as("text %d", i).containsExactly(alone, within(1e-4f));
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }

    private static final String[] WORDS = {"the", "river", "city", "green", "house", "water", "book",
            "tree", "dog", "cat", "road", "school", "music", "light", "stone", "bread"};

    /** {@code words} common words, each of which is one token for BERT-style vocabularies. */
    static String longText(int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[(i * 7 + words) % WORDS.length]);
        }
        return text.toString();
    }

    private static String sentence(int i) {
        return "Policy " + i + ": employees may carry over " + (i % 10) + " unused days into the next year.";
    }
}
