package dev.ragstream.query.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.query.llm.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowUpsTest {

    private static final List<Turn> RECENT = List.of(new Turn("user", "How many vacation days do employees get?"),
            new Turn("assistant", "27 days [1]."));

    @Test
    void withoutAModelAShortFollowUpIsSearchedTogetherWithThePreviousQuestion() {
        assertThat(FollowUps.withPreviousQuestion(RECENT, "And part-timers?"))
                .isEqualTo("How many vacation days do employees get?\nAnd part-timers?");
    }

    @Test
    void aQuestionThatStandsOnItsOwnIsSearchedAsItIs() {
        String question = "Which rivers do the zebras cross during the great migration?";
        assertThat(FollowUps.withPreviousQuestion(RECENT, question)).isEqualTo(question);
        assertThat(FollowUps.withPreviousQuestion(List.of(), "And part-timers?")).isEqualTo("And part-timers?");
    }
}
