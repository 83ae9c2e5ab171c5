package dev.ragstream.embedding;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A provider's error message made safe for exception messages and logs: one line, at most
 * {@value #MAX_LENGTH} characters, without API keys, and left out entirely if it quotes one of
 * the texts sent (validation errors of some servers echo the offending input).
 */
final class ErrorExcerpt {

    static final int MAX_LENGTH = 200;
    /** How much of a long body is examined at all; the excerpt is cut far shorter. */
    private static final int EXAMINED = 4_000;
    /** Inputs shorter than this are too likely to occur in any message to tell a quote. */
    private static final int SHORTEST_QUOTABLE = 8;
    private static final int QUOTE_PROBE = 24;
    private static final Pattern KEY_LIKE = Pattern.compile("(?i)\\b(?:sk|pk|rk)-[\\w*-]+|\\bbearer\\s+\\S+");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Cntrl}]+");

    private ErrorExcerpt() {
    }

    /**
     * @param message the provider's message, as {@link EmbeddingsWire#errorMessage} reads it
     * @param apiKey  the key sent, or null
     * @param inputs  the texts sent
     */
    static String of(String message, String apiKey, List<String> inputs) {
        String text = oneLine(message.length() > EXAMINED ? message.substring(0, EXAMINED) : message);
        if (apiKey != null) {
            text = text.replace(apiKey, "[redacted]");
        }
        text = KEY_LIKE.matcher(text).replaceAll("[redacted]");
        if (quotesAnInput(text, inputs)) {
            return "(message left out: it quotes the input)";
        }
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "…";
    }

    private static boolean quotesAnInput(String text, List<String> inputs) {
        for (String input : inputs) {
            String start = oneLine(input.length() > 4 * QUOTE_PROBE ? input.substring(0, 4 * QUOTE_PROBE) : input);
            if (start.length() >= SHORTEST_QUOTABLE
                    && text.contains(start.substring(0, Math.min(start.length(), QUOTE_PROBE)))) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }
}
