package dev.ragstream.gateway.abuse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a query-string parameter without {@code getParameter}, which on a form or multipart POST
 * would read (and, for uploads, spool) the whole body before any limit could refuse it.
 */
final class QueryParameters {

    private QueryParameters() {
    }

    /** The first value of {@code name} in {@code query}, null when absent; malformed pairs are skipped. */
    static String first(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            try {
                if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                    return eq < 0 ? "" : decode(pair.substring(eq + 1));
                }
            } catch (IllegalArgumentException malformed) {
                // as the container does: a pair it cannot decode is ignored
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
