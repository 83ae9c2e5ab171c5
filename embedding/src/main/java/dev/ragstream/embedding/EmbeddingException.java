package dev.ragstream.embedding;

/**
 * An embedding model could not be loaded or failed while running; the message says which model
 * and step, the cause says why.
 */
public class EmbeddingException extends RuntimeException {

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
