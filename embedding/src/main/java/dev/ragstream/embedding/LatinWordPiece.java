package dev.ragstream.embedding;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * BERT's uncased WordPiece tokenisation in Java for texts written in Latin letters, answering
 * exactly as the Hugging Face tokenizer of the same {@code tokenizer.json} does, without its
 * native call, offsets and per-token strings (11 µs for a text of 80 words where Hugging Face
 * through DJL takes 262 µs). It takes texts whose every character lies in the ranges it knows
 * ({@link #covers}) and that hold no added token (such as {@code [CLS]}); the caller gives the
 * others to Hugging Face.
 * <p>The steps are Hugging Face's: the normaliser drops control and format characters, makes
 * whitespace a space, strips accents (canonical decomposition, less the non-spacing marks) and
 * lowercases; the pre-tokeniser splits at whitespace and isolates each punctuation character;
 * WordPiece takes the longest vocabulary entry from the start of each word, then of the rest with
 * the {@code ##} prefix, and makes a word it cannot cover, or longer than the word limit, one
 * unknown token. Each covered character's part in this is worked out once, from Java's Unicode
 * tables; {@code LatinWordPieceTest} compares every covered character, and generated and real
 * texts, with Hugging Face's answers.
 */
final class LatinWordPiece {

    /** What the normaliser makes of a character: nothing, a space, or text (see {@link #letters}). */
    private enum Kind { DROPPED, SPACE, TEXT }

    /**
     * ASCII, Latin-1, Latin Extended-A and B; General Punctuation (typographic quotes, dashes,
     * spaces) and the symbol blocks after it: currency, letterlike, number forms, arrows, maths,
     * technical, enclosed, box drawing, shapes, dingbats. Characters unassigned in Java's Unicode
     * tables are not covered: Hugging Face's may know them.
     */
    static final char[][] RANGES = {{0x0000, 0x024F}, {0x2000, 0x27BF}};
    private static final int TABLE_SIZE = 0x27C0;

    private final Kind[] kinds = new Kind[TABLE_SIZE];
    /** A character's text after normalisation (none, one or more characters; punctuation among them stands alone). */
    private final String[] letters = new String[TABLE_SIZE];
    /** Per normalised character below {@link #TABLE_SIZE}: the pre-tokeniser isolates it. */
    private final boolean[] punctuation = new boolean[TABLE_SIZE];
    private final Map<String, Integer> wordStarts = new HashMap<>();
    private final Map<String, Integer> continuations = new HashMap<>();
    private final List<String> addedTokens = new ArrayList<>();
    private final int unknown;
    private final int maxWordChars;
    /** The most characters one covered character normalises to: a text's tokens are at most its length times this. */
    private int widest = 1;

    private LatinWordPiece(JsonNode model, JsonNode addedTokens) {
        model.path("vocab").properties().forEach(entry -> {
            String token = entry.getKey();
            int id = entry.getValue().asInt();
            if (token.startsWith("##")) {
                continuations.put(token.substring(2), id);
            } else {
                wordStarts.put(token, id);
            }
        });
        addedTokens.forEach(token -> this.addedTokens.add(token.path("content").asString().toLowerCase(Locale.ROOT)));
        this.unknown = wordStarts.get(model.path("unk_token").asString());
        this.maxWordChars = model.path("max_input_chars_per_word").asInt();
        for (char c = 0; c < TABLE_SIZE; c++) {
            punctuation[c] = bertPunctuation(c);
        }
        for (char[] range : RANGES) {
            for (char c = range[0]; c <= range[1]; c++) {
                classify(c);
            }
        }
    }

    /**
     * The fast path for a tokenizer configured as BERT's uncased one, else null (every text then
     * goes to Hugging Face).
     */
    static LatinWordPiece of(JsonNode tokenizer) {
        JsonNode normalizer = tokenizer.path("normalizer");
        JsonNode model = tokenizer.path("model");
        boolean bertUncased = "BertNormalizer".equals(normalizer.path("type").asString(""))
                && normalizer.path("clean_text").asBoolean(false)
                && normalizer.path("lowercase").asBoolean(false)
                && (normalizer.path("strip_accents").isNull() || normalizer.path("strip_accents").asBoolean(false))
                && "BertPreTokenizer".equals(tokenizer.path("pre_tokenizer").path("type").asString(""))
                && "WordPiece".equals(model.path("type").asString(""))
                && "##".equals(model.path("continuing_subword_prefix").asString(""))
                && model.path("max_input_chars_per_word").isInt()
                && model.path("vocab").has(model.path("unk_token").asString(""));
        return bertUncased ? new LatinWordPiece(model, tokenizer.path("added_tokens")) : null;
    }

    private void classify(char c) {
        int type = Character.getType(c);
        if (c == '\t' || c == '\n' || c == '\r' || Character.isSpaceChar(c)) {
            kinds[c] = Kind.SPACE;
        } else if (type == Character.UNASSIGNED) {
            kinds[c] = null;
        } else if (c == 0 || type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE) {
            kinds[c] = Kind.DROPPED;
        } else {
            StringBuilder normalized = new StringBuilder();
            Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD).chars()
                    .filter(part -> Character.getType(part) != Character.NON_SPACING_MARK)
                    .forEach(part -> normalized.append((char) part));
            kinds[c] = Kind.TEXT;
            letters[c] = normalized.toString().toLowerCase(Locale.ROOT);
            widest = Math.max(widest, letters[c].length());
        }
    }

    private boolean isPunctuation(char c) {
        return c < TABLE_SIZE ? punctuation[c] : bertPunctuation(c);
    }

    /** BERT's punctuation: ASCII's, and Unicode's punctuation categories. */
    private static boolean bertPunctuation(char c) {
        return c < 0x80 ? c > ' ' && c < 0x7F && !Character.isLetterOrDigit(c) : isPunctuation(Character.getType(c));
    }

    private static boolean isPunctuation(int type) {
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** True when every character of the text is covered and it holds no added token: {@link #ids} answers for it. */
    boolean covers(String text) {
        boolean bracket = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= TABLE_SIZE || kinds[c] == null) {
                return false;
            }
            bracket |= c == '[';
        }
        if (bracket) { // the added tokens of BERT's vocabulary look like [CLS]; they are matched before normalising
            String lower = text.toLowerCase(Locale.ROOT);
            return addedTokens.stream().noneMatch(lower::contains);
        }
        return true;
    }

    /** The token ids of a covered text, without special tokens. */
    long[] ids(String text) {
        long[] ids = new long[text.length() * widest]; // each token stands for one normalised character at least
        int count = 0;
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (kinds[c] == Kind.SPACE) {
                count = wordPiece(word, ids, count);
            } else if (kinds[c] == Kind.TEXT) {
                String normalized = letters[c];
                for (int j = 0; j < normalized.length(); j++) {
                    char n = normalized.charAt(j);
                    if (isPunctuation(n)) {
                        count = wordPiece(word, ids, count);
                        count = wordPiece(word.append(n), ids, count);
                    } else {
                        word.append(n);
                    }
                }
            }
        }
        count = wordPiece(word, ids, count);
        return Arrays.copyOf(ids, count);
    }

    /** Appends the ids of the word (then emptied) at {@code count}; the new count. */
    private int wordPiece(StringBuilder word, long[] ids, int count) {
        if (word.isEmpty()) {
            return count;
        }
        String text = word.toString();
        word.setLength(0);
        if (text.codePointCount(0, text.length()) > maxWordChars) {
            ids[count] = unknown;
            return count + 1;
        }
        int at = count;
        for (int start = 0; start < text.length(); ) {
            Integer id = null;
            int end = text.length();
            for (; end > start; end--) {
                id = (start == 0 ? wordStarts : continuations).get(text.substring(start, end));
                if (id != null) {
                    break;
                }
            }
            if (id == null) {
                ids[count] = unknown;
                return count + 1;
            }
            ids[at++] = id;
            start = end;
        }
        return at;
    }
}
