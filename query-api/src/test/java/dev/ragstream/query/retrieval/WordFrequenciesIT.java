package dev.ragstream.query.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The word counts on a real table: ANALYZE's shares times the planner's estimate of the rows now. */
class WordFrequenciesIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final Tenant acme = new Tenant(TenantId.of("acme"), Map.of());

    @Test
    void countsFollowThePlannersRowEstimateNotTheStatisticsSystemsLiveRowCount() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE chunks (id serial PRIMARY KEY, content_tsv tsvector)");
            st.execute("INSERT INTO chunks (content_tsv) SELECT to_tsvector('english', CASE WHEN i % 3 = 0 THEN 'blue gadget'"
                    + " ELSE 'green gadget' END) FROM generate_series(1, 3000) i");
            st.execute("ANALYZE chunks");
            // the live-row count can be wrong whatever the table holds: backends report their inserts late, so right
            // after an ANALYZE a load can be counted twice; here it is reset to nothing
            st.execute("SELECT pg_stat_reset_single_table_counters('chunks'::regclass)");

            WordFrequencies.Counts counts = new WordFrequencies().counts(acme, c);
            assertThat(counts.chunks()).isCloseTo(3000, within(1.0));
            assertThat(counts.matches().get("blue")).isCloseTo(1000, within(30.0));
            assertThat(counts.matches().get("gadget")).isCloseTo(3000, within(1.0));

            st.execute("INSERT INTO chunks (content_tsv) SELECT to_tsvector('english', 'green gadget') FROM generate_series(1, 3000)");
            assertThat(new WordFrequencies().counts(acme, c).chunks()).as("the rows added since, by the pages they fill")
                    .isCloseTo(6000, within(300.0));
        }
    }
}
