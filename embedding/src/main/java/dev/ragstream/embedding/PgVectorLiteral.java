package dev.ragstream.embedding;

/** Writes a vector in pgvector's text form, {@code [0.1,0.2,…]}, for a {@code ?::vector} parameter. */
public final class PgVectorLiteral {

    private PgVectorLiteral() {
    }

    public static String of(float[] vector) {
        StringBuilder out = new StringBuilder(vector.length * 12 + 2).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException("vector component " + i + " is not finite");
            }
            out.append(vector[i]);
        }
        return out.append(']').toString();
    }
}
