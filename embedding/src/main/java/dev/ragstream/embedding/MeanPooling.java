package dev.ragstream.embedding;

import java.nio.FloatBuffer;

/** Sentence-transformers pooling: the mean of the token vectors the attention mask keeps, L2-normalised. */
final class MeanPooling {

    private MeanPooling() {
    }

    /**
     * Pools row {@code row} of a {@code [batch, seq, dim]} hidden state laid out flat, using the
     * matching row of the flat {@code [batch, seq]} attention mask.
     */
    static float[] pool(FloatBuffer hidden, long[] mask, int row, int seq, int dim) {
        float[] sum = new float[dim];
        int kept = 0;
        for (int t = 0; t < seq; t++) {
            if (mask[row * seq + t] == 0) {
                continue;
            }
            kept++;
            int offset = (row * seq + t) * dim;
            for (int d = 0; d < dim; d++) {
                sum[d] += hidden.get(offset + d);
            }
        }
        for (int d = 0; d < dim; d++) {
            sum[d] /= Math.max(kept, 1);
        }
        return normalise(sum);
    }

    static float[] normalise(float[] vector) {
        double squares = 0;
        for (float v : vector) {
            squares += (double) v * v;
        }
        if (squares == 0) {
            return vector;
        }
        float inverse = (float) (1 / Math.sqrt(squares));
        for (int d = 0; d < vector.length; d++) {
            vector[d] *= inverse;
        }
        return vector;
    }
}
