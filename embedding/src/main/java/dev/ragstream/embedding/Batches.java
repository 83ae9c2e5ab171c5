package dev.ragstream.embedding;

import java.util.ArrayList;
import java.util.List;

/** Cuts a list of texts into consecutive runs that each fit one request. */
final class Batches {

    private Batches() {
    }

    /**
     * Consecutive views of {@code texts}, in order, each of at most {@code maxTexts} texts and
     * {@code maxTokens} estimated tokens, except that a text estimated above {@code maxTokens}
     * forms a batch on its own. Empty for empty {@code texts}.
     */
    static List<List<String>> of(List<String> texts, int maxTexts, int maxTokens) {
        List<List<String>> batches = new ArrayList<>();
        int from = 0;
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            int estimate = estimateTokens(texts.get(i));
            if (i > from && (i - from == maxTexts || tokens + estimate > maxTokens)) {
                batches.add(texts.subList(from, i));
                from = i;
                tokens = 0;
            }
            tokens += estimate;
        }
        if (from < texts.size()) {
            batches.add(texts.subList(from, texts.size()));
        }
        return batches;
    }

    /**
     * English averages about four characters a token; a third errs on the safe side for code,
     * numbers and other languages.
     */
    static int estimateTokens(String text) {
        return text.length() / 3 + 1;
    }
}
