package dev.ragstream.query.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.query.retrieval.Passage;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

    private final ExtractiveAnswerer answerer = new ExtractiveAnswerer();

    private static Passage passage(String text, double similarity) {
        return new Passage(UUID.randomUUID(), "doc.md", 0, text, null, similarity, 0, similarity, 1, 0);
    }

    @Test
    void quotesTheSentencesThatAnswerTheQuestionWithCitationsOfTheirPassages() {
        String answer = answerer.answer("How many vacation days do employees get?", List.of(
                passage("Our offices open at 8am. Every employee receives 27 vacation days per year.", 0.6),
                passage("Parking is free. The cafeteria serves lunch.", 0.4),
                passage("Unused vacation days expire on 31 March.", 0.5)));

        assertThat(answer).startsWith(ExtractiveAnswerer.HEADER)
                .contains("> Every employee receives 27 vacation days per year. [1]")
                .contains("> Unused vacation days expire on 31 March. [3]")
                .doesNotContain("Parking");
    }

    @Test
    void rejoinsSentencesThatMarkdownWrappedOverLines() {
        String answer = answerer.answer("vacation days", List.of(
                passage("Every employee receives 27 vacation\ndays per calendar year, accrued\nmonthly.", 0.6)));

        assertThat(answer).contains("> Every employee receives 27 vacation days per calendar year, accrued monthly. [1]");
    }

    @Test
    void keepsListItemsApart() {
        String answer = answerer.answer("error codes E1 E2", List.of(
                passage("- E1 means the tank is empty.\n- E2 means the boiler is too hot.", 0.6)));

        assertThat(answer).contains("> E1 means the tank is empty. [1]").contains("> E2 means the boiler is too hot. [1]");
    }
}
