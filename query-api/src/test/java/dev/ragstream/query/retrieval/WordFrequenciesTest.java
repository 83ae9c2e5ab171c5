package dev.ragstream.query.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordFrequenciesTest {

    private static final Map<String, Double> MATCHES = Map.of("quartz", 1_700.0, "keyboard", 3_400.0, "batteri", 7_200.0,
            "loom", 3.0, "warranti", 120.0, "lamp", 90.0);

    @Test
    void rarestWordsAreTakenWhileTheyStayWithinTheBudget() {
        assertThat(WordFrequencies.selective(MATCHES, List.of("warranti", "lamp", "loom", "keyboard"), 200))
                .containsExactly("loom", "lamp");
        assertThat(WordFrequencies.selective(MATCHES, List.of("warranti", "lamp", "loom"), 1_000))
                .containsExactly("loom", "lamp", "warranti");
    }

    @Test
    void theRarestWordIsTakenEvenBeyondTheBudget() {
        assertThat(WordFrequencies.selective(MATCHES, List.of("batteri", "keyboard", "quartz"), 200)).containsExactly("quartz");
    }

    @Test
    void wordsTooRareToBeCountedAreJoinedByTheRarestCountedOne() {
        // 'longest' may be in no chunk at all: alone it could find nothing
        assertThat(WordFrequencies.selective(MATCHES, List.of("keyboard", "longest", "quartz", "zzyzx"), 200))
                .containsExactly("longest", "zzyzx", "quartz");
        assertThat(WordFrequencies.selective(Map.of(), List.of("b", "a"), 200)).as("no statistics yet: every word")
                .containsExactly("a", "b");
    }

    @Test
    void rareWordsWeighMoreAndNoWordWeighsLessThanNothing() {
        WordFrequencies.Counts counts = WordFrequencies.Counts.of(MATCHES, 7_200);

        assertThat(counts.idf("loom")).isGreaterThan(counts.idf("lamp")).isGreaterThan(counts.idf("quartz"));
        assertThat(counts.idf("batteri")).as("in every chunk").isPositive().isLessThan(0.1);
        assertThat(counts.idf("zzyzx")).as("too rare to be counted: as in half the rarest counted word's chunks")
                .isGreaterThan(counts.idf("loom"));
        WordFrequencies.Counts none = WordFrequencies.Counts.of(Map.of(), 0);
        assertThat(none.idf("a")).as("no statistics yet: every word alike").isPositive().isEqualTo(none.idf("b"));
    }

    @Test
    void bm25RanksARareWordAboveCommonOnesSaidOftenAndStaysWithinOne() {
        WordFrequencies.Counts counts = WordFrequencies.Counts.of(MATCHES, 7_200);
        List<String> question = List.of("loom", "keyboard", "batteri");

        double rare = counts.bm25(question, Map.of("loom", 1), 1);
        double common = counts.bm25(question, Map.of("keyboard", 5, "batteri", 5), 1);
        double everything = counts.bm25(question, Map.of("loom", 200, "keyboard", 200, "batteri", 200), 0.5);

        assertThat(rare).isGreaterThan(common);
        assertThat(counts.bm25(question, Map.of("loom", 1), 2)).as("the same words in a longer chunk").isLessThan(rare);
        assertThat(counts.bm25(question, Map.of("loom", 3), 1)).as("said more often").isGreaterThan(rare);
        assertThat(everything).isLessThan(1).isGreaterThan(0.9);
        assertThat(counts.bm25(question, Map.of(), 1)).isZero();
    }

    @Test
    void wordsBecomeATsqueryOfQuotedLexemes() {
        assertThat(WordFrequencies.anyOf(List.of("loom", "o'brien", "back\\slash"))).isEqualTo("'loom' | 'o''brien' | 'back\\\\slash'");
    }
}
