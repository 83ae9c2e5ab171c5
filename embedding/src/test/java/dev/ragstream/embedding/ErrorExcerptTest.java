package dev.ragstream.embedding;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorExcerptTest {

    @Test
    void keepsAShortMessageOnOneLine() {
        assertThat(ErrorExcerpt.of("model \"nomic\" not found,\n\ttry pulling it first", null, List.of("hello there")))
                .isEqualTo("model \"nomic\" not found, try pulling it first");
    }

    @Test
    void cutsALongMessage() {
        String excerpt = ErrorExcerpt.of("<html>" + "x".repeat(10_000), null, List.of());

        assertThat(excerpt).hasSize(ErrorExcerpt.MAX_LENGTH + 1).endsWith("…");
    }

    @Test
    void redactsKeys() {
        String excerpt = ErrorExcerpt.of("Incorrect API key provided: sk-proj-abc***wxyz. Sent Bearer tok-9 and my-own-key",
                "my-own-key", List.of());

        assertThat(excerpt).isEqualTo("Incorrect API key provided: [redacted]. Sent [redacted] and [redacted]");
    }

    @Test
    void leavesOutAMessageThatQuotesAnInput() {
        String input = "Quarterly results:\nrevenue fell 12% in the EMEA region";
        String message = "[{'type': 'string_too_long', 'input': 'Quarterly results: revenue fell 12%'}]";

        assertThat(ErrorExcerpt.of(message, null, List.of("short", input)))
                .isEqualTo("(message left out: it quotes the input)");
        assertThat(ErrorExcerpt.of("input is too long", null, List.of("is"))).isEqualTo("input is too long");
    }
}
