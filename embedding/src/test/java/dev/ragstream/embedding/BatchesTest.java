package dev.ragstream.embedding;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchesTest {

    @Test
    void cutsAtTheMostTexts() {
        List<String> texts = Collections.nCopies(10, "a");

        assertThat(Batches.of(texts, 4, 1000)).extracting(List::size).containsExactly(4, 4, 2);
    }

    @Test
    void cutsAtTheMostEstimatedTokens() {
        // 29 characters: an estimate of 10 tokens each.
        List<String> texts = Collections.nCopies(7, "x".repeat(29));

        assertThat(Batches.of(texts, 100, 30)).extracting(List::size).containsExactly(3, 3, 1);
    }

    @Test
    void sendsATextOverTheTokenLimitAlone() {
        List<String> texts = List.of("short", "x".repeat(1000), "short");

        assertThat(Batches.of(texts, 100, 50)).containsExactly(List.of("short"), List.of("x".repeat(1000)), List.of("short"));
    }

    @Test
    void keepsTheOrder() {
        List<String> texts = List.of("a", "b", "c", "d", "e");

        assertThat(Batches.of(texts, 2, 1000)).flatExtracting(batch -> batch).containsExactlyElementsOf(texts);
        assertThat(Batches.of(List.of(), 2, 1000)).isEmpty();
    }

    @Test
    void estimatesGenerously() {
        // Real tokenizers give about a quarter as many tokens as characters for English.
        assertThat(Batches.estimateTokens("x".repeat(300))).isEqualTo(101);
        assertThat(Batches.estimateTokens("")).isEqualTo(1);
    }
}
