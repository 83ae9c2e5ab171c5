package dev.ragstream.embedding;

/**
 * Counts tokens as an embedding model's tokenizer produces them, so that text can be cut into
 * pieces the model reads whole. Implementations are thread-safe.
 */
public interface TokenCounter {

    /**
     * Returns how many tokens the model sees for {@code text}, not counting the special tokens it
     * adds around every input (such as {@code [CLS]} and {@code [SEP]}), and not capped at
     * {@link #maxTokens()}.
     *
     * @throws IllegalArgumentException if {@code text} is null
     */
    int countTokens(String text);

    /**
     * The most tokens, as {@link #countTokens} counts them, that the model reads from one text;
     * tokens beyond are cut silently when embedding.
     */
    int maxTokens();

    /**
     * True when two texts joined by whitespace always count as the sum of their counts, so that a
     * growing text can be counted piece by piece. So it is for WordPiece (BERT's), which splits
     * text at whitespace and punctuation before it looks at a word; not for byte-level BPE, whose
     * tokens can carry the whitespace.
     */
    default boolean countsAddUpAcrossWhitespace() {
        return false;
    }
}
