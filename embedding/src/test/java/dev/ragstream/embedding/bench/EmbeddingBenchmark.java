package dev.ragstream.embedding.bench;

import dev.ragstream.embedding.MiniLmEmbeddingModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Measures tokens per second of {@link MiniLmEmbeddingModel} for 32 texts that fill the model's
 * 128-token window, embedded (a) in one call, which runs them as one batch, and (b) one text per
 * call. Tokens counted are those the model sees, {@code [CLS]} and {@code [SEP]} included.
 * Run: {@code mvn -B -q -pl embedding test-compile exec:java} (optional argument: runs, default 9).
 */
public final class EmbeddingBenchmark {

    private static final int TEXTS = 32;
    private static final int WARMUP_RUNS = 2;
    private static final String[] WORDS = ("employees receive annual leave policy contract salary review "
            + "the a of and to in for with on by office remote travel expenses approval manager team "
            + "training safety security laptop password support request holiday sick parental benefits "
            + "pension insurance onboarding handbook quarterly report budget invoice customer supplier")
            .split(" ");

    private EmbeddingBenchmark() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        try (MiniLmEmbeddingModel model = MiniLmEmbeddingModel.load()) {
            List<String> texts = windowFillingTexts(model);
            long tokens = texts.stream().mapToLong(t -> Math.min(model.countTokens(t), model.maxTokens()) + 2).sum();

            Runnable batched = () -> model.embedAll(texts);
            Runnable single = () -> texts.forEach(text -> model.embedAll(List.of(text)));
            for (int i = 0; i < WARMUP_RUNS; i++) {
                batched.run();
                single.run();
            }
            // Interleaved, so that whatever else the machine is doing slows both alike.
            double[] batchedSeconds = new double[runs];
            double[] singleSeconds = new double[runs];
            for (int i = 0; i < runs; i++) {
                batchedSeconds[i] = seconds(batched);
                singleSeconds[i] = seconds(single);
            }
            report("batched    %d texts x %d tokens, one call:     ", tokens, batchedSeconds);
            report("one-by-one %d texts x %d tokens, one per call: ", tokens, singleSeconds);
        }
    }

    private static double seconds(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private static void report(String what, long tokens, double[] seconds) {
        Arrays.sort(seconds);
        double median = seconds[seconds.length / 2];
        System.out.printf(what + "%,6.0f tokens/s median, %,6.0f best (%d runs, median %.3f s/run)%n",
                TEXTS, tokens / TEXTS, tokens / median, tokens / seconds[0], seconds.length, median);
    }

    /** Distinct texts of at least {@code maxTokens} tokens, so the model reads a full window of each. */
    private static List<String> windowFillingTexts(MiniLmEmbeddingModel model) {
        Random random = new Random(42);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            StringBuilder text = new StringBuilder("Document " + i + ".");
            while (model.countTokens(text.toString()) < model.maxTokens()) {
                text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(text.toString());
        }
        return texts;
    }

}
