package dev.ragstream.embedding;

import java.util.List;

/**
 * Turns texts into fixed-length vectors whose cosine similarity reflects closeness in meaning.
 * Implementations are thread-safe.
 */
public interface EmbeddingModel {

    /** A stable identifier of the model, recorded with every vector it made; never null. */
    String name();

    /**
     * The number of components of every vector {@link #embedAll} returns.
     *
     * @throws EmbeddingException if the model has to be asked and fails to answer
     */
    int dimension();

    /**
     * Embeds each text, returning one vector per text in the order given. Every vector has
     * {@link #dimension()} components and unit L2 norm, so a dot product is a cosine similarity.
     * Text beyond the model's window is ignored silently: use a {@link TokenCounter} to keep
     * inputs inside it. The returned list and arrays belong to the caller.
     *
     * @param texts the texts to embed; may be empty, then the result is empty
     * @throws IllegalArgumentException if {@code texts} or any of its elements is null
     * @throws EmbeddingException if the model fails to run
     */
    List<float[]> embedAll(List<String> texts);
}
