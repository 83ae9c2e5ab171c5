package dev.ragstream.ingest.chunking;

import dev.ragstream.embedding.TokenCounter;
import dev.ragstream.ingest.chunking.MarkdownBlocks.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits markdown along headings first (a chunk never spans two sections, and carries its heading
 * path such as "Handbook > Leave > Parental leave"), then packs whole paragraphs into chunks up to
 * the budget; a paragraph that alone exceeds it is split by sentences, then by words, then by
 * characters. Tokens are counted with the embedding model's own tokenizer, the heading path counts
 * too, and the budget is capped at the model window. A heading path longer than half the budget
 * loses its outermost headings, so that the text always keeps at least half.
 */
public final class ParagraphChunker implements Chunker {

    private static final String PATH_SEPARATOR = " > ";

    private final TokenCounter tokens;
    /** Whether a growing chunk may be counted piece by piece (see {@link TokenCounter#countsAddUpAcrossWhitespace}). */
    private final boolean additive;
    private final TextSplitter splitter;

    public ParagraphChunker(TokenCounter tokens) {
        this.tokens = tokens;
        this.additive = tokens.countsAddUpAcrossWhitespace();
        this.splitter = new TextSplitter(tokens);
    }

    @Override
    public List<Chunk> chunk(String markdown, Budget budget) {
        int max = Math.min(budget.maxTokens(), tokens.maxTokens());
        List<Chunk> chunks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        int overlap = Math.min(budget.overlapTokens(), max / 2);
        Section section = new Section(chunks, null, max, overlap);
        for (Block block : MarkdownBlocks.parse(markdown)) {
            if (block.isHeading()) {
                section.flush();
                nest(headings, block);
                section = new Section(chunks, headingPath(headings, max / 2), max, overlap);
            } else {
                section.add(block.text(), block.page());
            }
        }
        section.flush();
        return chunks;
    }

    /** Puts the heading at its level: its deeper predecessors close, missing levels stay empty. */
    private static void nest(List<String> headings, Block heading) {
        while (headings.size() >= heading.headingLevel()) {
            headings.remove(headings.size() - 1);
        }
        while (headings.size() < heading.headingLevel() - 1) {
            headings.add("");
        }
        headings.add(heading.text());
    }

    /** The path of the non-empty headings within {@code limit} tokens, or null if there are none. */
    private String headingPath(List<String> headings, int limit) {
        List<String> names = headings.stream().filter(name -> !name.isEmpty()).toList();
        for (int from = 0; from < names.size(); from++) {
            String path = String.join(PATH_SEPARATOR, names.subList(from, names.size()));
            if (tokens.countTokens(path) <= limit) {
                return path;
            }
        }
        return names.isEmpty() ? null : splitter.split(names.get(names.size() - 1), limit).get(0);
    }

    /** A markdown table or a fenced code block: split between its lines, never inside one that fits. */
    private static boolean isRows(String paragraph) {
        return paragraph.startsWith("|") || paragraph.startsWith("```") || paragraph.startsWith("~~~");
    }

    /**
     * Packs whole lines (table rows, code lines) into pieces within {@code limit}; every piece of a
     * table repeats its header row, so each chunk of the table still says what its columns are. A
     * line alone over the limit is cut like text.
     */
    private List<String> byRows(String block, int limit) {
        List<String> lines = block.lines().toList();
        String header = lines.size() > 2 && lines.get(0).startsWith("|") && lines.get(1).matches("\\|( ?:?-+:? ?\\|)+")
                ? lines.get(0) + "\n" + lines.get(1) : null;
        if (header != null && tokens.countTokens(header) > limit / 2) {
            header = null; // a header that would crowd out the rows is not repeated
        }
        List<String> pieces = new ArrayList<>();
        String piece = "";
        for (String line : header == null ? lines : lines.subList(2, lines.size())) {
            String candidate = piece.isEmpty() ? (header == null ? line : header + "\n" + line) : piece + "\n" + line;
            if (tokens.countTokens(candidate) <= limit) {
                piece = candidate;
                continue;
            }
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
            String alone = header == null ? line : header + "\n" + line;
            if (tokens.countTokens(alone) <= limit) {
                piece = alone;
            } else if (header != null && tokens.countTokens(line) <= limit) {
                piece = line;
            } else {
                List<String> cut = splitter.split(line, limit);
                pieces.addAll(cut.subList(0, cut.size() - 1));
                piece = cut.get(cut.size() - 1);
            }
        }
        if (!piece.isEmpty()) {
            pieces.add(piece);
        }
        return pieces;
    }

    /** Packs the paragraphs of one section into chunks. */
    private final class Section {
        private final List<Chunk> out;
        private final String headingPath;
        private final int max;
        private final int overlapTokens;
        private String current = "";
        /** Tokens of {@code current} alone, kept up to date when the tokenizer's counts add up; else unused. */
        private int currentTokens;
        /** Tokens the heading path adds to every chunk's embedded text (the path and its newline). */
        private final int pathTokens;
        private Integer currentPage;
        /** The closing words of the section's last chunk, to open the next one. */
        private String overlap = "";

        Section(List<Chunk> out, String headingPath, int max, int overlapTokens) {
            this.out = out;
            this.headingPath = headingPath;
            this.max = max;
            this.overlapTokens = overlapTokens;
            this.pathTokens = headingPath == null ? 0 : tokens.countTokens(headingPath + "\n");
        }

        /** @param page the page the paragraph starts on, null without pages */
        void add(String paragraph, Integer page) {
            // counted once: a paragraph's count joins the chunk's when the tokenizer's counts add up
            int paragraphTokens = additive ? tokens.countTokens(paragraph) : -1;
            if (!current.isEmpty() && (additive ? pathTokens + currentTokens + paragraphTokens <= max
                    : fits(current + "\n\n" + paragraph))) {
                current = current + "\n\n" + paragraph;
                currentTokens += paragraphTokens;
                return;
            }
            flush();
            currentPage = page;
            int overlapCount = additive && !overlap.isEmpty() ? tokens.countTokens(overlap) : 0;
            if (!overlap.isEmpty() && !isRows(paragraph) && (additive ? pathTokens + overlapCount + paragraphTokens <= max
                    : fits(overlap + "\n\n" + paragraph))) {
                current = overlap + "\n\n" + paragraph;
                currentTokens = overlapCount + paragraphTokens;
                return;
            }
            if (additive ? pathTokens + paragraphTokens <= max : fits(paragraph)) {
                current = paragraph;
                currentTokens = paragraphTokens;
                return;
            }
            // The piece limit leaves a token for the newline between path and text, should a tokenizer count it.
            int pathTokens = headingPath == null ? 0 : tokens.countTokens(headingPath) + 1;
            List<String> pieces = isRows(paragraph) ? byRows(paragraph, max - pathTokens)
                    : splitter.split(paragraph, max - pathTokens);
            for (String piece : pieces.subList(0, pieces.size() - 1)) {
                current = piece;
                currentTokens = additive ? tokens.countTokens(piece) : -1;
                flush();
            }
            current = pieces.get(pieces.size() - 1);
            currentTokens = additive ? tokens.countTokens(current) : -1;
        }

        void flush() {
            if (!current.isEmpty()) {
                int count = additive ? pathTokens + currentTokens : tokens.countTokens(embedded(current));
                out.add(new Chunk(out.size(), current, headingPath, count, currentPage));
                overlap = overlapTokens == 0 || isRows(current) ? "" : closingWords(current, overlapTokens);
                current = "";
            }
        }

        /**
         * The most closing words of {@code text} within {@code limit} tokens: the fewest leading words
         * to drop, found by galloping back from the end (a word is a token or more, so about
         * {@code limit} words are looked at, not the whole chunk) and then by bisection.
         */
        private String closingWords(String text, int limit) {
            String[] words = text.strip().split("\\s+");
            int n = words.length;
            int high = n; // dropping every word: nothing left, which fits
            int low = 0;
            for (int span = Math.max(1, limit); ; span *= 2) {
                int drop = Math.max(0, n - span);
                if (!suffixFits(words, drop, limit)) {
                    low = drop + 1;
                    break;
                }
                high = drop;
                if (drop == 0) {
                    break;
                }
            }
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (suffixFits(words, mid, limit)) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return String.join(" ", Arrays.copyOfRange(words, high, n));
        }

        private boolean suffixFits(String[] words, int drop, int limit) {
            return tokens.countTokens(String.join(" ", Arrays.copyOfRange(words, drop, words.length))) <= limit;
        }

        private boolean fits(String text) {
            return tokens.countTokens(embedded(text)) <= max;
        }

        /** The text as it is embedded: under its heading path. */
        private String embedded(String text) {
            return headingPath == null ? text : headingPath + "\n" + text;
        }
    }
}
