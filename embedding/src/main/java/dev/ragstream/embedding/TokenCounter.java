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
}
