package dev.ragstream.query.retrieval;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In how many of a tenant's chunks its common words occur, as the planner's statistics of
 * {@code chunks.content_tsv} estimate them (the share of the most common elements in ANALYZE's
 * sample, kept current by autovacuum, times the rows the table has now), read at most once a
 * minute per tenant. A word not among them is rare.
 * Full-text search finds its candidates through a question's rarest words (see {@link #selective}).
 */
final class WordFrequencies {

    private static final Duration MAX_AGE = Duration.ofMinutes(1);

    private record Read(Map<String, Double> matches, long readAt) {
    }

    private final Map<TenantId, Read> cache = new ConcurrentHashMap<>();

    /**
     * The words to find full-text candidates by: rarest first, while together they occur in at most
     * {@code budget} chunks, the rarest always. Words too rare to be counted (perhaps in no chunk at
     * all) never stand alone: the rarest counted word joins them.
     * @param words the question's words (lexemes of the tenant's text-search configuration)
     */
    List<String> selective(Tenant tenant, Connection c, List<String> words, int budget) throws SQLException {
        return selective(matches(tenant, c), words, budget);
    }

    /** {@link #selective(Tenant, Connection, List, int)} by {@code matches}: chunks per counted word. */
    static List<String> selective(Map<String, Double> matches, List<String> words, int budget) {
        List<String> rarestFirst = new ArrayList<>(words);
        rarestFirst.sort(Comparator.comparingDouble((String w) -> matches.getOrDefault(w, 0.0)).thenComparing(Comparator.naturalOrder()));
        List<String> selective = new ArrayList<>();
        double total = 0;
        for (String word : rarestFirst) {
            double more = matches.getOrDefault(word, 0.0);
            if (!selective.isEmpty() && total > 0 && total + more > budget) {
                break;
            }
            selective.add(word);
            total += more;
        }
        return selective;
    }

    /** {@code words} as a tsquery matching any of them, the words taken as they are (already normalised). */
    static String anyOf(List<String> words) {
        StringBuilder query = new StringBuilder();
        for (String word : words) {
            if (!query.isEmpty()) {
                query.append(" | ");
            }
            query.append('\'').append(word.replace("\\", "\\\\").replace("'", "''")).append('\'');
        }
        return query.toString();
    }

    private Map<String, Double> matches(Tenant tenant, Connection c) throws SQLException {
        Read read = cache.get(tenant.id());
        if (read != null && System.nanoTime() - read.readAt() < MAX_AGE.toNanos()) {
            return read.matches();
        }
        Map<String, Double> matches = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT e.lexeme, e.frequency * t.n_live_tup
                FROM pg_stats s
                     CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, frequency),
                     pg_stat_user_tables t
                WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'content_tsv'
                  AND t.relid = 'chunks'::regclass AND e.lexeme IS NOT NULL""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                matches.put(rs.getString(1), rs.getDouble(2));
            }
        }
        cache.put(tenant.id(), new Read(Map.copyOf(matches), System.nanoTime()));
        return matches;
    }
}
