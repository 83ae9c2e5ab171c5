package dev.ragstream.ingest.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.embedding.MiniLmEmbeddingModel;
import dev.ragstream.embedding.TokenCounter;
import dev.ragstream.ingest.chunking.Chunker.Budget;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs against the real MiniLM tokenizer, because the budget only means something in its tokens. */
class ParagraphChunkerTest {

    private static final String HANDBOOK = Fixtures.string(Fixtures.HANDBOOK);

    private static MiniLmEmbeddingModel model;
    private static ParagraphChunker chunker;

    @BeforeAll
    static void loadTokenizer() {
        model = MiniLmEmbeddingModel.load();
        chunker = new ParagraphChunker(model);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 24, 40, 64, 120, 126, 512})
    void noChunkOfTheHandbookExceedsTheBudgetOrTheModelWindow(int maxTokens) {
        List<Chunk> chunks = chunker.chunk(HANDBOOK, new Budget(maxTokens));

        assertThat(chunks).isNotEmpty();
        assertWithinBudget(chunks, maxTokens);
    }

    @Test
    void aLongTableIsSplitBetweenRowsAndEveryPieceRepeatsItsHeader() {
        StringBuilder table = new StringBuilder("# Prices\n\n| Item | Price | Note |\n| --- | --- | --- |\n");
        for (int i = 0; i < 40; i++) {
            table.append("| Item number ").append(i).append(" | ").append(i).append(".50 | kept in aisle ").append(i % 7).append(" |\n");
        }

        List<Chunk> chunks = chunker.chunk(table.toString(), new Budget(64));

        assertThat(chunks).hasSizeGreaterThan(2);
        assertWithinBudget(chunks, 64);
        int rows = 0;
        for (Chunk chunk : chunks) {
            List<String> lines = chunk.text().lines().toList();
            assertThat(lines.subList(0, 2)).containsExactly("| Item | Price | Note |", "| --- | --- | --- |");
            assertThat(lines.subList(2, lines.size())).allSatisfy(row -> assertThat(row).matches("\\| Item number \\d+ \\| \\d+\\.50 \\| kept in aisle \\d \\|"));
            rows += lines.size() - 2;
        }
        assertThat(rows).as("every row exactly once").isEqualTo(40);
    }

    @Test
    void withOverlapEachChunkOfASectionOpensWithItsPredecessorsClosingWords() {
        String section = IntStream.range(0, 12)
                .mapToObj(i -> "Paragraph " + i + " says the forklift in aisle " + i + " is charged overnight and checked at dawn.")
                .collect(Collectors.joining("\n\n"));
        String markdown = "# Depot\n\n" + section + "\n\n# Office\n\nThe office opens at nine.";

        List<Chunk> plain = chunker.chunk(markdown, new Budget(64));
        List<Chunk> overlapping = chunker.chunk(markdown, new Budget(64, 12));

        assertWithinBudget(overlapping, 64);
        assertThat(overlapping.size()).isGreaterThanOrEqualTo(plain.size());
        List<Chunk> depot = overlapping.stream().filter(c -> "Depot".equals(c.headingPath())).toList();
        assertThat(depot).hasSizeGreaterThan(2);
        for (int i = 1; i < depot.size(); i++) {
            String previous = depot.get(i - 1).text();
            String opening = depot.get(i).text().split("\n\n")[0];
            assertThat(previous).as("chunk %d opens with the end of chunk %d", i, i - 1).endsWith(opening);
            assertThat(model.countTokens(opening)).isBetween(1, 12);
        }
        Chunk office = overlapping.get(overlapping.size() - 1);
        assertThat(office.text()).as("no overlap across headings").isEqualTo("The office opens at nine.");
        assertThat(plain.get(1).text()).startsWith("Paragraph");
    }

    @Test
    void chunksCarryThePageTheirTextStartsOn() {
        String markdown = "<!-- page 1 -->\n\n# Manual\n\nPumps are checked daily.\n\n<!-- page 2 -->\n\n"
                + "Turbines are checked weekly.\n\n## Hydrants\n\n<!-- page 3 -->\n\nHydrants are flushed twice a year.";

        List<Chunk> chunks = chunker.chunk(markdown, new Budget(120));

        assertThat(chunks).extracting(Chunk::text, Chunk::page).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Pumps are checked daily.\n\nTurbines are checked weekly.", 1),
                org.assertj.core.groups.Tuple.tuple("Hydrants are flushed twice a year.", 3));
        assertThat(chunker.chunk("No pages here.", new Budget(120)).get(0).page()).isNull();
    }

    @Test
    void budgetAboveTheModelWindowStillFillsChunksUpToTheWindowOnly() {
        String paragraph = IntStream.range(0, 60)
                .mapToObj(i -> "Robot number " + i + " carries crates between aisles.")
                .collect(Collectors.joining(" "));

        List<Chunk> chunks = chunker.chunk(paragraph, new Budget(512));

        assertWithinBudget(chunks, 512);
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks.get(0).tokenCount()).isGreaterThan(100);
    }

    @Test
    void chunksNeverSpanTwoHeadings() {
        String markdown = """
                # Alpha

                alphaword one. alphaword two.

                alphaword three.

                # Beta

                betaword one.

                ## Gamma

                gammaword one. gammaword two.
                """;

        for (Chunk chunk : chunker.chunk(markdown, new Budget(120))) {
            String section = chunk.headingPath().substring(chunk.headingPath().lastIndexOf('>') + 1).strip();
            String ownWord = section.toLowerCase() + "word";
            assertThat(chunk.text().split("\\s+"))
                    .filteredOn(word -> word.endsWith("word"))
                    .as("words of chunk %d under %s", chunk.index(), chunk.headingPath())
                    .containsOnly(ownWord);
        }
    }

    @Test
    void headingPathNamesEveryEnclosingHeadingAndResetsWhenGoingBackUp() {
        String markdown = """
                # Handbook

                Welcome text.

                ## Leave

                Leave text.

                ### Parental leave

                Parental text.

                ### Sick leave

                Sick text.

                ## Expenses

                Expense text.

                # Appendix

                Appendix text.
                """;

        Map<String, String> pathByText = pathByText(chunker.chunk(markdown, new Budget(120)));

        assertThat(pathByText).containsExactly(
                Map.entry("Welcome text.", "Handbook"),
                Map.entry("Leave text.", "Handbook > Leave"),
                Map.entry("Parental text.", "Handbook > Leave > Parental leave"),
                Map.entry("Sick text.", "Handbook > Leave > Sick leave"),
                Map.entry("Expense text.", "Handbook > Expenses"),
                Map.entry("Appendix text.", "Appendix"));
    }

    @Test
    void textBeforeTheFirstHeadingHasNoHeadingPath() {
        List<Chunk> chunks = chunker.chunk("Preface text.\n\n# First\n\nBody text.", new Budget(120));

        assertThat(pathByText(chunks)).containsExactly(
                Map.entry("Preface text.", ""), Map.entry("Body text.", "First"));
    }

    @Test
    void handbookSectionsCarryTheirNestedHeadingPath() {
        List<Chunk> chunks = chunker.chunk(HANDBOOK, new Budget(120));

        assertThat(chunks).filteredOn(chunk -> chunk.text().contains("27 days of paid vacation"))
                .singleElement().extracting(Chunk::headingPath)
                .isEqualTo("Northwind Robotics Employee Handbook (Excerpt) > Time Off");
    }

    @Test
    void headingWithoutBlankLinesAroundItStillStartsANewSection() {
        String markdown = "# Leave\nLeave text.\n## Parental leave\nParental text.\n# Expenses\nExpense text.";

        assertThat(pathByText(chunker.chunk(markdown, new Budget(120)))).containsExactly(
                Map.entry("Leave text.", "Leave"),
                Map.entry("Parental text.", "Leave > Parental leave"),
                Map.entry("Expense text.", "Expenses"));
    }

    @Test
    void hashLinesInsideACodeFenceAreNotHeadings() {
        String markdown = """
                ## Setup

                Run this:

                ```bash
                # install the tools

                # then build
                make all
                ```

                Done.
                """;

        List<Chunk> chunks = chunker.chunk(markdown, new Budget(120));

        assertThat(chunks).extracting(Chunk::headingPath).containsOnly("Setup");
        assertThat(joined(chunks)).contains("# install the tools", "# then build", "make all", "Done.");
    }

    @Test
    void pageMarkersAreNotChunkText() {
        String markdown = "<!-- page 1 -->\n\n# Leave\n\nLeave text ends\n<!-- page 2 -->\nhere. More text.";

        List<Chunk> chunks = chunker.chunk(markdown, new Budget(120));

        assertThat(joined(chunks)).doesNotContain("<!--", "page 1", "page 2").contains("Leave text ends", "here. More text.");
        assertThat(chunks).extracting(Chunk::headingPath).containsOnly("Leave");
    }

    @Test
    void closingHashesAreDroppedButAHashInsideTheTitleIsKept() {
        String markdown = "# Languages #\n\n## Using C#\n\nCompile with dotnet.";

        assertThat(chunker.chunk(markdown, new Budget(120))).singleElement()
                .extracting(Chunk::headingPath).isEqualTo("Languages > Using C#");
    }

    @Test
    void paragraphsStayWholeAndArePackedTogetherWhileTheyFit() {
        List<String> paragraphs = IntStream.range(0, 12)
                .mapToObj(i -> "Paragraph " + i + " says the dock number " + i + " charges robots overnight.")
                .toList();

        List<Chunk> chunks = chunker.chunk(String.join("\n\n", paragraphs), new Budget(48));

        assertWithinBudget(chunks, 48);
        List<String> chunkParagraphs = chunks.stream()
                .flatMap(chunk -> Arrays.stream(chunk.text().split("\\n\\n"))).toList();
        assertThat(chunkParagraphs).containsExactlyElementsOf(paragraphs);
        assertThat(chunks).hasSizeLessThan(paragraphs.size());
    }

    @Test
    void overlongParagraphIsSplitAtSentenceEnds() {
        List<String> sentences = IntStream.range(0, 30)
                .mapToObj(i -> "Sentence " + i + " explains how shelf " + i + " is scanned by the robot.")
                .toList();

        List<Chunk> chunks = chunker.chunk(String.join(" ", sentences), new Budget(40));

        assertWithinBudget(chunks, 40);
        assertThat(chunks).hasSizeGreaterThan(1);
        List<String> chunkSentences = chunks.stream()
                .flatMap(chunk -> Arrays.stream(chunk.text().split("(?<=\\.)\\s+"))).toList();
        assertThat(chunkSentences).containsExactlyElementsOf(sentences);
    }

    @Test
    void enormousSentenceWithoutPunctuationIsSplitByWords() {
        List<String> words = IntStream.range(0, 600).mapToObj(i -> "word" + i).toList();

        List<Chunk> chunks = chunker.chunk(String.join(" ", words), new Budget(64));

        assertWithinBudget(chunks, 64);
        assertThat(chunks.stream().flatMap(chunk -> Arrays.stream(chunk.text().split("\\s+"))).toList())
                .containsExactlyElementsOf(words);
    }

    @Test
    void wordLongerThanTheBudgetIsSplitByCharacters() {
        String url = "https://example.com/" + IntStream.range(0, 250).mapToObj(i -> "p" + i)
                .collect(Collectors.joining("/"));
        assertThat(model.countTokens(url)).isGreaterThan(126);

        List<Chunk> chunks = chunker.chunk("# Links\n\nSee " + url + " for details.", new Budget(120));

        assertWithinBudget(chunks, 120);
        assertThat(squeezed(joined(chunks))).isEqualTo(squeezed("See " + url + " for details."));
    }

    @Test
    void countingAGrowingChunkPieceByPieceGivesTheSameChunksWithAFractionOfTheTokenizing() {
        StringBuilder lines = new StringBuilder(HANDBOOK).append("\n\n# Shipping log\n\n");
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) { // short paragraphs, as PDF text lines come out: many per chunk
            lines.append("Crate ").append(i).append(" left the dock at ").append(random.nextInt(24)).append(":00 for Zürich,")
                    .append(" São Paulo or 東京 (order #").append(random.nextInt(99_999)).append(").\n\n");
        }
        MeteredTokenCounter whole = new MeteredTokenCounter(false);
        MeteredTokenCounter pieces = new MeteredTokenCounter(true);

        List<Chunk> byWhole = new ParagraphChunker(whole).chunk(lines.toString(), new Budget(120, 20));
        List<Chunk> byPieces = new ParagraphChunker(pieces).chunk(lines.toString(), new Budget(120, 20));

        assertThat(byPieces).isEqualTo(byWhole);
        assertWithinBudget(byPieces, 120);
        assertThat(pieces.characters.get()).as("characters tokenized piece by piece (%d) against whole texts (%d) of %d", pieces.characters.get(), whole.characters.get(), lines.length())
                .isLessThan(whole.characters.get() / 2);
    }

    @Test
    void blobWithoutWhitespaceIsCutWithinTheWindowInAFewTokenizerPasses() {
        byte[] random = new byte[150_000];
        new Random(3).nextBytes(random);
        String blob = Base64.getEncoder().encodeToString(random);
        MeteredTokenCounter metered = new MeteredTokenCounter();

        List<Chunk> chunks = new ParagraphChunker(metered).chunk("# Attachment\n\n" + blob, new Budget(126));

        assertWithinBudget(chunks, 126);
        assertThat(squeezed(joined(chunks))).isEqualTo(blob);
        assertThat(metered.characters.get())
                .as("characters tokenized: counting is linear, so a few passes, not one pass per piece")
                .isLessThan(5L * blob.length());
    }

    @Test
    void textInAScriptWithoutSpacesIsCutWithinTheBudget() {
        String chinese = "斑马生活在非洲的塞伦盖蒂草原上每年随着雨季迁徙寻找新鲜的草和水源".repeat(30);

        List<Chunk> chunks = chunker.chunk("# 斑马\n\n" + chinese, new Budget(64));

        assertWithinBudget(chunks, 64);
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(squeezed(joined(chunks))).isEqualTo(chinese);
    }

    @Test
    void innermostHeadingLongerThanTheBudgetIsCutToHalfOfIt() {
        String longTitle = IntStream.range(0, 150).mapToObj(i -> "title" + i).collect(Collectors.joining(" "));

        List<Chunk> chunks = chunker.chunk("# " + longTitle + "\n\nThe text.", new Budget(40));

        assertWithinBudget(chunks, 40);
        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.text()).isEqualTo("The text.");
            assertThat(longTitle).startsWith(chunk.headingPath());
            assertThat(model.countTokens(chunk.headingPath())).isBetween(10, 20);
        });
    }

    @Test
    void headingPathLongerThanTheBudgetIsShortenedToLeaveRoomForText() {
        String longTitle = IntStream.range(0, 150).mapToObj(i -> "title" + i).collect(Collectors.joining(" "));
        String markdown = "# Manual\n\n## " + longTitle + "\n\n### Short\n\nThe text under a very long heading.";

        List<Chunk> chunks = chunker.chunk(markdown, new Budget(64));

        assertWithinBudget(chunks, 64);
        assertThat(squeezed(joined(chunks))).isEqualTo(squeezed("The text under a very long heading."));
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.headingPath()).endsWith("Short"));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 40, 126})
    void indexesRunFromZeroWithoutGaps(int maxTokens) {
        List<Chunk> chunks = chunker.chunk(HANDBOOK, new Budget(maxTokens));

        assertThat(chunks).extracting(Chunk::index)
                .containsExactlyElementsOf(IntStream.range(0, chunks.size()).boxed().toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 40, 126})
    void everyCharacterOfTheTextSurvivesChunking(int maxTokens) {
        for (String fixture : List.of(Fixtures.HANDBOOK, Fixtures.FAQ, Fixtures.ZEBRA_FACTS)) {
            String markdown = Fixtures.string(fixture);
            String withoutHeadings = markdown.lines().filter(line -> !line.matches("#{1,6}\\s.*"))
                    .collect(Collectors.joining("\n"));

            List<Chunk> chunks = chunker.chunk(markdown, new Budget(maxTokens));

            assertThat(squeezed(joined(chunks))).as(fixture).isEqualTo(squeezed(withoutHeadings));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\n\n", " \t\n  \r\n "})
    void blankInputGivesNoChunks(String markdown) {
        assertThat(chunker.chunk(markdown, new Budget(120))).isEmpty();
    }

    /** Every chunk, embedded as heading path + newline + text, fits both the budget and the model window. */
    private static void assertWithinBudget(List<Chunk> chunks, int maxTokens) {
        int limit = Math.min(maxTokens, model.maxTokens());
        assertThat(chunks).allSatisfy(chunk -> {
            String embedded = chunk.headingPath() == null ? chunk.text() : chunk.headingPath() + "\n" + chunk.text();
            int tokens = model.countTokens(embedded);
            assertThat(tokens).as("tokens of chunk %d: %s", chunk.index(), embedded).isLessThanOrEqualTo(limit);
            assertThat(chunk.tokenCount()).as("reported tokens of chunk %d", chunk.index()).isEqualTo(tokens);
            assertThat(chunk.text()).isNotBlank();
        });
    }

    /** The real tokenizer, counting how many characters it was given; piece by piece only when told. */
    private static final class MeteredTokenCounter implements TokenCounter {
        private final AtomicLong characters = new AtomicLong();
        private final boolean additive;

        MeteredTokenCounter() {
            this(false);
        }

        MeteredTokenCounter(boolean additive) {
            this.additive = additive;
        }

        @Override
        public boolean countsAddUpAcrossWhitespace() {
            return additive;
        }

        @Override
        public int countTokens(String text) {
            characters.addAndGet(text.length());
            return model.countTokens(text);
        }

        @Override
        public int maxTokens() {
            return model.maxTokens();
        }
    }

    private static Map<String, String> pathByText(List<Chunk> chunks) {
        Map<String, String> pathByText = new LinkedHashMap<>();
        chunks.forEach(chunk -> pathByText.put(chunk.text(), chunk.headingPath() == null ? "" : chunk.headingPath()));
        return pathByText;
    }

    private static String joined(List<Chunk> chunks) {
        return chunks.stream().map(Chunk::text).collect(Collectors.joining("\n"));
    }

    private static String squeezed(String text) {
        return text.replaceAll("\\s+", "");
    }
}
