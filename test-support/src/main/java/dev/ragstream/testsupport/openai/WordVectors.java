package dev.ragstream.testsupport.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A toy embedding that makes texts sharing content words similar: each word is lower-cased,
 * stripped of a plural {@code s}, folded onto a synonym, and hashed to a signed component; stop
 * words count only when a text has nothing else. The synonyms are a handful of everyday ones
 * (staff/employee, vacation/leave …) so that a paraphrased question still finds its answer.
 */
final class WordVectors {

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "get",
            "has", "have", "how", "i", "if", "in", "is", "it", "its", "many", "much", "my", "of", "on",
            "or", "our", "so", "that", "the", "their", "there", "this", "to", "was", "we", "what",
            "when", "where", "which", "who", "why", "will", "with", "you", "your");

    private static final Map<String, String> SYNONYMS = Map.ofEntries(
            Map.entry("staff", "employee"), Map.entry("worker", "employee"), Map.entry("personnel", "employee"),
            Map.entry("vacation", "leave"), Map.entry("holiday", "leave"), Map.entry("pto", "leave"),
            Map.entry("pay", "salary"), Map.entry("wage", "salary"),
            Map.entry("cost", "price"), Map.entry("purchase", "buy"),
            Map.entry("deliver", "ship"), Map.entry("dispatch", "ship"),
            Map.entry("guarantee", "warranty"), Map.entry("physician", "doctor"));

    private WordVectors() {
    }

    /** The unit-length vector of {@code text} with {@code dimensions} components. */
    static float[] embed(String text, int dimensions) {
        float[] vector = new float[dimensions];
        for (String feature : features(text)) {
            long hash = fnv1a(feature);
            vector[(int) Math.floorMod(hash, (long) dimensions)] += hash < 0 ? -1f : 1f;
        }
        return normalise(vector);
    }

    private static List<String> features(String text) {
        List<String> content = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.isEmpty()) {
                continue;
            }
            String term = SYNONYMS.getOrDefault(stem(word), stem(word));
            all.add(term);
            if (!STOP_WORDS.contains(word)) {
                content.add(term);
            }
        }
        if (!content.isEmpty()) {
            return content;
        }
        // Only stop words, or no words at all: still a vector, and still one per distinct text.
        return all.isEmpty() ? List.of("\u0000" + text) : all;
    }

    private static String stem(String word) {
        return word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")
                ? word.substring(0, word.length() - 1) : word;
    }

    private static long fnv1a(String feature) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : feature.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static float[] normalise(float[] vector) {
        double squares = 0;
        for (float v : vector) {
            squares += (double) v * v;
        }
        if (squares == 0) {
            // Features cancelled out, which takes very few dimensions: any fixed unit vector will do.
            vector[0] = 1;
            return vector;
        }
        float inverse = (float) (1 / Math.sqrt(squares));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= inverse;
        }
        return vector;
    }
}
