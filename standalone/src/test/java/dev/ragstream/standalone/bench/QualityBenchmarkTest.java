package dev.ragstream.standalone.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class QualityBenchmarkTest {

    @Test
    void recallCountsTheRelevantDocumentsAmongTheFirstK() {
        assertThat(QualityBenchmark.recallAt(5, List.of("a", "b", "c", "d", "e", "f"), Set.of("b", "f"))).isEqualTo(0.5);
        assertThat(QualityBenchmark.recallAt(5, List.of(), Set.of("a"))).isZero();
    }

    @Test
    void ndcgIsOneOnlyWhenTheRelevantDocumentsLead() {
        assertThat(QualityBenchmark.ndcgAt(10, List.of("a", "b", "x"), Set.of("a", "b"))).isEqualTo(1.0);
        assertThat(QualityBenchmark.ndcgAt(10, List.of("x", "a"), Set.of("a"))).isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-9));
        assertThat(QualityBenchmark.ndcgAt(10, List.of("x", "y"), Set.of("a"))).isZero();
    }

    @Test
    void eachRankingOrdersDocumentsByTheirBestPassageInThatList() {
        JsonNode candidates = JsonMapper.shared().readTree("""
                [{"rank": 1, "filename": "a.md", "vector_rank": 2, "keyword_rank": null},
                 {"rank": 2, "filename": "b.md", "vector_rank": null, "keyword_rank": 1},
                 {"rank": 3, "filename": "a.md", "vector_rank": 3, "keyword_rank": 2},
                 {"rank": 4, "filename": "c.md", "vector_rank": 1, "keyword_rank": null}]""");
        assertThat(QualityBenchmark.Ranking.HYBRID.documents(candidates)).containsExactly("a.md", "b.md", "c.md");
        assertThat(QualityBenchmark.Ranking.VECTOR.documents(candidates)).containsExactly("c.md", "a.md");
        assertThat(QualityBenchmark.Ranking.KEYWORD.documents(candidates)).containsExactly("b.md", "a.md");
    }

    @Test
    void theLabelledSetHasEnoughQuestionsAndDocumentsAndEveryLabelNamesADocument() throws Exception {
        Path set = Path.of("../samples/quality");
        List<QualityBenchmark.Question> questions = QualityBenchmark.questions(set.resolve("questions.tsv"));
        Set<String> labelled = new HashSet<>();
        questions.forEach(q -> labelled.addAll(q.relevant()));
        assertThat(questions).hasSizeGreaterThanOrEqualTo(60);
        assertThat(labelled).hasSizeGreaterThanOrEqualTo(40);
        for (String document : labelled) {
            assertThat(set.resolve("docs").resolve(document)).as(document).exists();
        }
        assertThat(questions.stream().map(QualityBenchmark.Question::id).distinct().count()).isEqualTo(questions.size());
        assertThat(Files.list(set.resolve("docs")).count()).isGreaterThanOrEqualTo(40);
    }
}
