package dev.ragstream.query.chat;

import dev.ragstream.query.retrieval.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The answer when a tenant has no language model: the sentences of the retrieved passages that
 * share the most words with the question, quoted with numbered citations, and clearly marked as
 * extractive.
 */
@Component
class ExtractiveAnswerer {

    static final String PROVIDER = "extractive";
    static final String HEADER = "*Extractive answer (no language model is configured): the most relevant passages, quoted.*";

    private static final int MAX_SENTENCES = 3;
    private static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "is",
            "are", "was", "were", "be", "do", "does", "did", "what", "which", "who", "whom", "how", "when", "where",
            "why", "i", "we", "you", "our", "your", "my", "it", "its", "at", "by", "with", "can", "could", "should",
            "would", "will", "there", "that", "this", "these", "those", "from", "as", "about", "me", "us", "get", "have", "has");

    private record Sentence(String text, int citation, double score, int order) {
    }

    /** @param passages the relevant passages, best first; citation {@code [n]} refers to {@code passages.get(n-1)} */
    String answer(String question, List<Passage> passages) {
        Set<String> terms = terms(question);
        List<Sentence> sentences = new ArrayList<>();
        for (int p = 0; p < passages.size(); p++) {
            // markdown wraps sentences over lines: re-join them, keeping list items and paragraphs apart
            String joined = passages.get(p).text().replaceAll("(?<!\\n)\\n(?![\\n\\-*#>|]|\\d+\\.)", " ");
            String[] parts = joined.split("(?<=[.!?])\\s+|\\n+");
            for (String part : parts) {
                String text = part.strip().replaceFirst("^[-*#>]+\\s*", "");
                if (text.length() < 3) {
                    continue;
                }
                Set<String> words = terms(text);
                long shared = words.stream().filter(terms::contains).count();
                double score = shared + 0.5 * passages.get(p).similarity() - 0.1 * p;
                sentences.add(new Sentence(text, p + 1, score, sentences.size()));
            }
        }
        List<Sentence> best = sentences.stream()
                .sorted(Comparator.comparingDouble(Sentence::score).reversed())
                .limit(MAX_SENTENCES)
                .sorted(Comparator.comparingInt(Sentence::citation).thenComparingInt(Sentence::order))
                .toList();
        StringBuilder out = new StringBuilder(HEADER).append("\n\n");
        for (Sentence s : best) {
            out.append("> ").append(s.text()).append(" [").append(s.citation()).append("]\n\n");
        }
        return out.toString().strip();
    }

    private static Set<String> terms(String text) {
        Set<String> terms = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() > 1 && !STOP.contains(word)) {
                terms.add(word.length() > 5 ? word.substring(0, 5) : word);
            }
        }
        return terms;
    }
}
