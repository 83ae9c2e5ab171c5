package dev.ragstream.admin.cli;

import java.util.List;
import java.util.Locale;

/** Which {@code .env} variables hold secrets, and how a secret is shown: a short prefix, never the whole. */
final class Secrets {

    private static final List<String> MARKERS = List.of("KEY", "PASSWORD", "SECRET", "TOKEN");
    private static final int SHOWN = 7;

    private Secrets() {
    }

    /** True for every variable whose name contains KEY, PASSWORD, SECRET or TOKEN (any case). */
    static boolean isSecret(String variable) {
        String upper = variable.toUpperCase(Locale.ROOT);
        return MARKERS.stream().anyMatch(upper::contains);
    }

    /**
     * The first 7 characters and "…" (e.g. {@code rsk_AbC…}), enough to tell keys apart; never
     * more than half of a short secret. Null and empty become empty.
     */
    static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        int shown = Math.min(SHOWN, secret.codePointCount(0, secret.length()) / 2);
        return secret.substring(0, secret.offsetByCodePoints(0, shown)) + "…";
    }

    /** {@code value} as {@code show} prints it: masked when {@code variable} is a secret, control characters as '?'. */
    static String display(String variable, String value) {
        String shown = isSecret(variable) ? mask(value) : value == null ? "" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
