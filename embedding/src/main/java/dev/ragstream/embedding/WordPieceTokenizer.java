package dev.ragstream.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}, through DJL's
 * bindings to the Rust {@code tokenizers} library, with a Java fast path ({@link LatinWordPiece})
 * that answers alike for texts in Latin letters. Thread-safe: it is configured once, and the
 * native tokenizer's encode calls only read it.
 */
final class WordPieceTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    /** Null when the tokenizer is not BERT's uncased one: then every text goes to Hugging Face. */
    private final LatinWordPiece latin;
    /** The ids Hugging Face puts before and after a text's own ({@code [CLS]}, {@code [SEP]}). */
    private final long opening;
    private final long closing;

    private WordPieceTokenizer(HuggingFaceTokenizer tokenizer, LatinWordPiece latin) {
        this.tokenizer = tokenizer;
        long[] empty = tokenizer.encode("", true, false).getIds();
        long[] sample = tokenizer.encode("a", true, false).getIds();
        // the fast path's ids go between the special tokens of an empty text, as with BERT's template
        this.latin = latin != null && empty.length == 2 && sample.length == 3 && sample[0] == empty[0]
                && sample[2] == empty[1] && latin.covers("a") && latin.ids("a")[0] == sample[1] ? latin : null;
        this.opening = empty.length > 0 ? empty[0] : 0;
        this.closing = empty.length > 1 ? empty[1] : 0;
    }

    /** Loads {@code tokenizer.json} from the classpath without touching the network. */
    static WordPieceTokenizer fromClasspath(String resource) {
        keepDjlOffline();
        try (InputStream in = WordPieceTokenizer.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new EmbeddingException("Tokenizer resource " + resource + " is not on the classpath");
            }
            byte[] json = in.readAllBytes();
            // We cut and pad ourselves: counting needs the untruncated length, batches pad to their
            // longest member rather than to the fixed 128 that tokenizer.json asks for.
            return new WordPieceTokenizer(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")),
                    LatinWordPiece.of(JsonMapper.builder().build().readTree(json)));
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
        return covered(text) ? latin.ids(text).length : tokenizer.encode(text, false, false).getIds().length;
    }

    /**
     * Token ids of each text with {@code [CLS]} and {@code [SEP]}, cut to {@code window} ids
     * while keeping the closing {@code [SEP]} — what Hugging Face truncation does.
     */
    long[][] encode(List<String> texts, int window) {
        long[][] ids = new long[texts.size()][];
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (covered(texts.get(i))) {
                ids[i] = truncate(withSpecialTokens(latin.ids(texts.get(i))), window);
            } else {
                others.add(i);
            }
        }
        if (!others.isEmpty()) {
            Encoding[] encodings = tokenizer.batchEncode(others.stream().map(texts::get).toArray(String[]::new), true, false);
            for (int i = 0; i < encodings.length; i++) {
                ids[others.get(i)] = truncate(encodings[i].getIds(), window);
            }
        }
        return ids;
    }

    /** True when the Java fast path tokenises the text. */
    private boolean covered(String text) {
        return latin != null && latin.covers(text);
    }

    private long[] withSpecialTokens(long[] ids) {
        long[] all = new long[ids.length + 2];
        all[0] = opening;
        System.arraycopy(ids, 0, all, 1, ids.length);
        all[all.length - 1] = closing;
        return all;
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
