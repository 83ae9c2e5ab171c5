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
 * sample, kept current by autovacuum, times the rows the planner estimates the table has now),
 * read at most once a minute per tenant. A word not among them is rare.
 * Full-text search finds its candidates through a question's rarest words (see {@link #selective})
 * and weighs each word by its rarity (see {@link Counts#idf}).
 */
final class WordFrequencies {

    private static final Duration MAX_AGE = Duration.ofMinutes(1);

    /**
     * A tenant's counts: chunks per counted word, and chunks in all.
     * @param uncounted the chunks assumed for a word too rare to be counted: half the rarest counted one's, at least one
     */
    record Counts(Map<String, Double> matches, double chunks, double uncounted) {

        static Counts of(Map<String, Double> matches, double chunks) {
            double rarest = matches.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
            return new Counts(Map.copyOf(matches), chunks, Math.max(1, rarest / 2));
        }

        /**
         * BM25's inverse document frequency of {@code word} (as Lucene computes it: never negative):
         * a word in few chunks says much about the chunks it is in.
         */
        double idf(String word) {
            double in = Math.min(matches.getOrDefault(word, uncounted), Math.max(chunks, 1));
            return Math.log(1 + (Math.max(chunks, in) - in + 0.5) / (in + 0.5));
        }

        /**
         * BM25 of a chunk for a question: each of the question's {@code words} the chunk has counts
         * by its rarity ({@link #idf}), saturating with its {@code occurrences} in the chunk, less in a
         * longer chunk. As a share of what a chunk repeating every word endlessly would get: 0–1.
         * @param relativeLength the chunk's length (distinct words) over the average length
         */
        double bm25(List<String> words, Map<String, Integer> occurrences, double relativeLength) {
            double score = 0;
            double best = 0;
            for (String word : words) {
                double idf = idf(word);
                int n = occurrences.getOrDefault(word, 0);
                score += idf * n * (K1 + 1) / (n + K1 * (1 - B + B * relativeLength));
                best += idf * (K1 + 1);
            }
            return best == 0 ? 0 : score / best;
        }
    }

    /** BM25's term-frequency saturation and length normalisation (the usual values, Lucene's defaults). */
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private record Read(Counts counts, long readAt) {
    }

    private final Map<TenantId, Read> cache = new ConcurrentHashMap<>();

    /**
     * The words to find full-text candidates by: rarest first, while together they occur in at most
     * {@code budget} chunks, the rarest always. Words too rare to be counted (perhaps in no chunk at
     * all) never stand alone: the rarest counted word joins them.
     * @param words the question's words (lexemes of the tenant's text-search configuration)
     */
    static List<String> selective(Counts counts, List<String> words, int budget) {
        return selective(counts.matches(), words, budget);
    }

    /** {@link #selective(Counts, List, int)} by {@code matches}: chunks per counted word. */
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

    /** The tenant's counts, read through {@code c} when those at hand are older than a minute. */
    Counts counts(Tenant tenant, Connection c) throws SQLException {
        Read read = cache.get(tenant.id());
        if (read != null && System.nanoTime() - read.readAt() < MAX_AGE.toNanos()) {
            return read.counts();
        }
        double chunks = 0;
        // the planner's own estimate of the rows now: ANALYZE's row density times the table's pages now. The
        // statistics system's live-row count is no substitute: backends report their inserts up to seconds late,
        // so right after an ANALYZE it can count a load twice (doubling every word's estimate for the minute
        // the counts are kept); it serves only a table never analysed (whose words are all uncounted)
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT CASE WHEN t.reltuples < 0 THEN s.n_live_tup
                            WHEN t.relpages = 0 THEN t.reltuples
                            ELSE t.reltuples / t.relpages * (pg_relation_size(t.oid) / current_setting('block_size')::int) END
                FROM pg_class t JOIN pg_stat_user_tables s ON s.relid = t.oid
                WHERE t.oid = 'chunks'::regclass""");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                chunks = rs.getDouble(1);
            }
        }
        Map<String, Double> matches = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT e.lexeme, e.frequency
                FROM pg_stats s
                     CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, frequency)
                WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'content_tsv'
                  AND e.lexeme IS NOT NULL""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                matches.put(rs.getString(1), rs.getDouble(2) * chunks);
            }
        }
        Counts counts = Counts.of(matches, chunks);
        cache.put(tenant.id(), new Read(counts, System.nanoTime()));
        return counts;
    }
}
