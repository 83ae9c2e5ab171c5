package dev.ragstream.ingest.chunking;

import dev.ragstream.embedding.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits markdown along headings first (a chunk never spans two sections, and carries its heading
 * path such as "Handbook > Leave > Parental leave"), then packs whole paragraphs into chunks up to
 * the budget; a paragraph that alone exceeds it is split by sentences, then by words. Tokens are
 * counted with the embedding model's own tokenizer, and the budget is capped at the model window.
 */
public final class ParagraphChunker implements Chunker {

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\d\"'(\\[])");
    private static final String PATH_SEPARATOR = " > ";

    private final TokenCounter tokens;

    public ParagraphChunker(TokenCounter tokens) {
        this.tokens = tokens;
    }

    @Override
    public List<Chunk> chunk(String markdown, Budget budget) {
        int max = Math.min(budget.maxTokens(), tokens.maxTokens());
        List<Chunk> chunks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        Section section = new Section(chunks, max);
        for (String block : markdown.split("\\n\\s*\\n")) {
            String text = block.strip();
            if (text.isEmpty()) {
                continue;
            }
            Matcher heading = HEADING.matcher(text.lines().findFirst().orElse(""));
            if (heading.matches()) {
                section.flush();
                int level = heading.group(1).length();
                while (headings.size() >= level) {
                    headings.remove(headings.size() - 1);
                }
                while (headings.size() < level - 1) {
                    headings.add("");
                }
                headings.add(heading.group(2).strip());
                section = new Section(chunks, max);
                section.headingPath = String.join(PATH_SEPARATOR, headings.stream().filter(h -> !h.isEmpty()).toList());
                text = text.lines().skip(1).reduce((a, b) -> a + "\n" + b).orElse("").strip();
                if (text.isEmpty()) {
                    continue;
                }
            }
            section.add(text);
        }
        section.flush();
        return chunks;
    }

    /** Packs the paragraphs of one section into chunks. */
    private final class Section {
        private final List<Chunk> out;
        private final int max;
        private String headingPath = "";
        private final StringBuilder current = new StringBuilder();
        private int currentTokens;

        Section(List<Chunk> out, int max) {
            this.out = out;
            this.max = max;
        }

        private int room() {
            int pathTokens = headingPath.isEmpty() ? 0 : tokens.countTokens(headingPath) + 1;
            return Math.max(8, max - pathTokens);
        }

        void add(String paragraph) {
            int count = tokens.countTokens(paragraph);
            if (count > room()) {
                flush();
                for (String piece : split(paragraph, room())) {
                    append(piece, tokens.countTokens(piece));
                }
                return;
            }
            if (currentTokens + count > room()) {
                flush();
            }
            append(paragraph, count);
        }

        private void append(String text, int count) {
            if (currentTokens + count > room()) {
                flush();
            }
            if (!current.isEmpty()) {
                current.append("\n\n");
            }
            current.append(text);
            currentTokens += count;
        }

        void flush() {
            if (current.isEmpty()) {
                return;
            }
            String text = current.toString();
            int count = tokens.countTokens(headingPath.isEmpty() ? text : headingPath + "\n" + text);
            out.add(new Chunk(out.size(), text, headingPath.isEmpty() ? null : headingPath, count));
            current.setLength(0);
            currentTokens = 0;
        }

        /** Splits an over-long paragraph by sentences, and over-long sentences by words. */
        private List<String> split(String paragraph, int limit) {
            List<String> pieces = new ArrayList<>();
            StringBuilder piece = new StringBuilder();
            for (String sentence : SENTENCE_END.split(paragraph)) {
                for (String part : tokens.countTokens(sentence) > limit ? byWords(sentence, limit) : List.of(sentence)) {
                    String candidate = piece.isEmpty() ? part : piece + " " + part;
                    if (!piece.isEmpty() && tokens.countTokens(candidate) > limit) {
                        pieces.add(piece.toString());
                        piece.setLength(0);
                        piece.append(part);
                    } else {
                        piece.setLength(0);
                        piece.append(candidate);
                    }
                }
            }
            if (!piece.isEmpty()) {
                pieces.add(piece.toString());
            }
            return pieces;
        }

        private List<String> byWords(String sentence, int limit) {
            List<String> parts = new ArrayList<>();
            StringBuilder part = new StringBuilder();
            for (String word : sentence.split("\\s+")) {
                String candidate = part.isEmpty() ? word : part + " " + word;
                if (!part.isEmpty() && tokens.countTokens(candidate) > limit) {
                    parts.add(part.toString());
                    part.setLength(0);
                    part.append(word);
                } else {
                    part.setLength(0);
                    part.append(candidate);
                }
            }
            if (!part.isEmpty()) {
                parts.add(part.toString());
            }
            return parts;
        }
    }
}
