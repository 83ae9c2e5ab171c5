package dev.ragstream.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}, through DJL's
 * bindings to the Rust {@code tokenizers} library. Thread-safe: it is configured once, and the
 * native tokenizer's encode calls only read it.
 */
final class WordPieceTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private WordPieceTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json} from the classpath without touching the network. */
    static WordPieceTokenizer fromClasspath(String resource) {
        keepDjlOffline();
        try (InputStream json = WordPieceTokenizer.class.getResourceAsStream("/" + resource)) {
            if (json == null) {
                throw new EmbeddingException("Tokenizer resource " + resource + " is not on the classpath");
            }
            // We cut and pad ourselves: counting needs the untruncated length, batches pad to their
            // longest member rather than to the fixed 128 that tokenizer.json asks for.
            return new WordPieceTokenizer(HuggingFaceTokenizer.newInstance(json,
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")));
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read tokenizer resource " + resource, e);
        }
    }

    /**
     * Without this, DJL probes the EC2 metadata address and sends telemetry each time a tokenizer
     * is created, and would download its native library if the jar lacked one. The jar bundles
     * it, so nothing here needs the network. An explicit DJL_OFFLINE or ai.djl.offline wins.
     */
    private static void keepDjlOffline() {
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /** Token count without the special tokens, however long the text. */
    int count(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    /**
     * Token ids of each text with {@code [CLS]} and {@code [SEP]}, cut to {@code window} ids
     * while keeping the closing {@code [SEP]} — what Hugging Face truncation does.
     */
    long[][] encode(List<String> texts, int window) {
        Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new), true, false);
        long[][] ids = new long[encodings.length][];
        for (int i = 0; i < encodings.length; i++) {
            ids[i] = truncate(encodings[i].getIds(), window);
        }
        return ids;
    }

    private static long[] truncate(long[] ids, int window) {
        if (ids.length <= window) {
            return ids;
        }
        long[] cut = Arrays.copyOf(ids, window);
        cut[window - 1] = ids[ids.length - 1];
        return cut;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
