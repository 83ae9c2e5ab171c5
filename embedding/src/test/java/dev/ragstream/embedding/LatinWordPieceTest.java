package dev.ragstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The Java fast path gives Hugging Face's ids for every text it covers, and covers the texts it should. */
class LatinWordPieceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static byte[] definition;
    static HuggingFaceTokenizer huggingFace;
    static LatinWordPiece latin;

    @BeforeAll
    static void bothTokenizersFromTheSameDefinition() throws IOException {
        System.setProperty("ai.djl.offline", "true");
        try (InputStream in = LatinWordPieceTest.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            definition = in.readAllBytes();
        }
        huggingFace = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(definition),
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        latin = LatinWordPiece.of(JSON.readTree(definition));
    }

    @AfterAll
    static void close() {
        huggingFace.close();
    }

    @Test
    void everyCoveredCharacterIsTokenisedAsHuggingFaceDoesAloneAndInsideWords() {
        int compared = 0;
        for (char[] range : LatinWordPiece.RANGES) {
            for (char c = range[0]; c <= range[1]; c++) {
                if (Character.getType(c) == Character.UNASSIGNED) {
                    assertThat(latin.covers("a" + c)).as("U+%04X", (int) c).isFalse();
                    continue;
                }
                for (String text : List.of(String.valueOf(c), "a" + c + "b", "Kettle" + c + "s are " + c + c + " 42",
                        c + "Zürich" + c, "x " + c + " y")) {
                    assertThat(latin.covers(text)).as("U+%04X in '%s'", (int) c, text).isTrue();
                    assertSameIds(text);
                    compared++;
                }
            }
        }
        assertThat(compared).as("texts compared").isGreaterThan(5 * 2_400);
    }

    @Test
    void generatedTextsAreTokenisedAsHuggingFaceDoes() {
        Random random = new Random(42);
        String[] pieces = {"the", "kettle", "Copper", "UNBELIEVABLE", "naïve", "Crème", "brûlée", "Æsir", "Øresund", "straße",
                "ĳssel", "İstanbul", "ǅemal", "co-operate", "e-mail", "x86_64", "3.14159", "1,000", "$5", "50%", "C++", "#tag",
                "@user", "dont't", "“quoted”", "‘single’", "—", "–", "…", "•", "\u00A0", "\u2009", "\u200B", "\u00AD", "\t",
                "\n", "\r\n", "\u0001", "\u007F", "\u0085", "qzxv", "zzzzzzzzzzzz", "a".repeat(99), "b".repeat(100),
                "c".repeat(101), "ab".repeat(60), "[x]", "[", "]", "©", "°C", "±", "¿Qué?", "¡Olé!", "µs", "½", "²"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int count = random.nextInt(30);
            for (int j = 0; j < count; j++) {
                text.append(pieces[random.nextInt(pieces.length)]);
                if (random.nextInt(3) > 0) {
                    text.append(random.nextBoolean() ? " " : random.nextBoolean() ? "." : "");
                }
                if (random.nextInt(10) == 0) { // any covered character
                    char[] range = LatinWordPiece.RANGES[random.nextInt(LatinWordPiece.RANGES.length)];
                    char c = (char) (range[0] + random.nextInt(range[1] - range[0] + 1));
                    text.append(Character.getType(c) == Character.UNASSIGNED ? ' ' : c);
                }
            }
            assertThat(latin.covers(text.toString())).isTrue();
            assertSameIds(text.toString());
        }
    }

    @Test
    void theRepositorysOwnDocumentsAreTokenisedAsHuggingFaceDoesWhereCovered() throws IOException {
        List<String> paragraphs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("..", "docs"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).toList()) {
                paragraphs.addAll(List.of(Files.readString(file).split("\n\n")));
            }
        }
        paragraphs.addAll(List.of(Files.readString(Path.of("..", "README.md")).split("\n\n")));
        int covered = 0;
        for (String paragraph : paragraphs) {
            if (latin.covers(paragraph)) {
                assertSameIds(paragraph);
                covered++;
            }
        }
        assertThat(covered).as("paragraphs covered of %d", paragraphs.size()).isGreaterThan(paragraphs.size() * 9 / 10);
    }

    @Test
    void textsWithAnAddedTokenOrOtherScriptsAreLeftToHuggingFace() {
        assertThat(latin.covers("ask [MASK] here")).isFalse();
        assertThat(latin.covers("[SEP]")).isFalse();
        assertThat(latin.covers("[cls] in lower case")).isFalse();
        assertThat(latin.covers("東京")).isFalse();
        assertThat(latin.covers("Ελληνικά")).isFalse();
        assertThat(latin.covers("emoji 🙂")).isFalse();
        assertThat(latin.covers("e\u0301")).as("a combining mark").isFalse();
        assertThat(latin.covers("[x] and [UNK-like]")).isTrue();
        assertSameIds("[x] and [UNK-like]");
    }

    @Test
    void anotherConfigurationHasNoFastPath() throws IOException {
        ObjectNode cased = (ObjectNode) JSON.readTree(definition);
        ((ObjectNode) cased.get("normalizer")).put("lowercase", false);
        assertThat(LatinWordPiece.of(cased)).isNull();
        ObjectNode bytes = (ObjectNode) JSON.readTree(definition);
        ((ObjectNode) bytes.get("pre_tokenizer")).put("type", "ByteLevel");
        assertThat(LatinWordPiece.of(bytes)).isNull();
    }

    private static void assertSameIds(String text) {
        assertThat(latin.ids(text)).as("'%s'", text.replace("\n", "\\n")).containsExactly(huggingFace.encode(text, false, false).getIds());
    }
}
