package dev.ragstream.ingest.chunking;

import dev.ragstream.embedding.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Cuts text that is over a token limit into pieces within it: at sentence ends, else between
 * words, else — for a "word" such as a long URL, an encoded blob or text in a script without
 * spaces — between characters. Sentences and words are packed greedily. Counting is the cost (it
 * is linear in the text), so text already known to be over the limit is not counted again.
 * Stateless and thread-safe.
 */
final class TextSplitter {

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\d\"'(\\[])");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final TokenCounter tokens;

    TextSplitter(TokenCounter tokens) {
        this.tokens = tokens;
    }

    /**
     * Pieces of {@code text}, which is over {@code limit} tokens, each within it; the
     * non-whitespace characters of the pieces, in order, are those of the text.
     */
    List<String> split(String text, int limit) {
        return pack(SENTENCE_END.split(text), limit,
                sentence -> pack(WHITESPACE.split(sentence), limit, word -> byCharacters(word, limit)));
    }

    /**
     * Joins units with spaces while they fit. A unit over the limit is cut with {@code finer}, and
     * its parts are kept as they are, but for the last, which later units may join. A single unit
     * is the whole text, known to be over the limit.
     */
    private List<String> pack(String[] units, int limit, Function<String, List<String>> finer) {
        List<String> pieces = new ArrayList<>();
        String piece = "";
        for (String unit : units) {
            if (unit.isBlank()) {
                continue;
            }
            if (units.length == 1 || tokens.countTokens(unit) > limit) {
                List<String> parts = finer.apply(unit);
                pieces.add(piece);
                pieces.addAll(parts.subList(0, parts.size() - 1));
                piece = parts.get(parts.size() - 1);
            } else if (!piece.isEmpty() && tokens.countTokens(piece + " " + unit) > limit) {
                pieces.add(piece);
                piece = unit;
            } else {
                piece = piece.isEmpty() ? unit : piece + " " + unit;
            }
        }
        pieces.add(piece);
        pieces.removeIf(String::isEmpty);
        return pieces;
    }

    /**
     * Cuts between code points. A cut need not be the longest that fits: each guess starts a
     * little longer than the last piece and shrinks until it fits, so most pieces are counted
     * once, and a megabyte blob costs a few passes of the tokenizer rather than one per piece.
     */
    private List<String> byCharacters(String word, int limit) {
        int[] codePoints = word.codePoints().toArray();
        List<String> parts = new ArrayList<>();
        int guess = limit;
        for (int start = 0; start < codePoints.length; ) {
            int length = Math.min(guess, codePoints.length - start);
            while (length > 1 && tokens.countTokens(new String(codePoints, start, length)) > limit) {
                length = length * 3 / 4;
            }
            parts.add(new String(codePoints, start, length));
            start += length;
            guess = length + Math.max(1, length / 8);
        }
        return parts;
    }
}
