package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.databaseOf;
import static dev.ragstream.admin.cli.Cli.query;
import static dev.ragstream.admin.cli.Cli.roleOf;
import static dev.ragstream.admin.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.Result;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cleanup-history} on a tenant's own ragdb. */
class CleanupHistoryIT {

    @TempDir
    Path tenants;

    @AfterAll
    static void dropDatabases() {
        Cli.dropTenantDatabases();
    }

    @Test
    void deletesSessionsInactiveForLongerThanTheDurationWithTheirMessages() throws Exception {
        String id = createTenant(tenants);
        String other = createTenant(tenants);
        String sessions = """
                INSERT INTO chat_sessions (id, last_active_at) VALUES
                    ('old-1', now() - interval '40 days'), ('old-2', now() - interval '30 days 1 minute'),
                    ('recent', now() - interval '29 days 23 hours');
                INSERT INTO chat_messages (session_id, role, content)
                SELECT s, 'user', 'message' FROM unnest(ARRAY['old-1', 'old-1', 'old-1', 'old-2', 'recent', 'recent']) s;
                """;
        Cli.execute(databaseOf(id), sessions);
        Cli.execute(databaseOf(other), sessions);
        Instant started = Instant.now();

        Result result = run(tenants, "cleanup-history", "--tenant=" + id, "--older-than=30d");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("Deleted 2 sessions (4 messages) older than 30d (last active before ");
        Instant cutoff = Instant.parse(result.out().replaceAll("(?s).*before (\\S+)\\).*", "$1"));
        assertThat(cutoff).isBetween(started.minus(30, ChronoUnit.DAYS).minusSeconds(60), Instant.now().minus(30, ChronoUnit.DAYS));
        assertThat(query(databaseOf(id), "SELECT id FROM chat_sessions")).containsExactly("recent");
        assertThat(query(databaseOf(id), "SELECT session_id FROM chat_messages")).containsExactly("recent", "recent");
        assertThat(query(databaseOf(other), "SELECT count(*) FROM chat_messages")).containsExactly("6");

        Result again = run(tenants, "cleanup-history", "--tenant=" + id, "--older-than=P30D");
        assertThat(again.out()).startsWith("Deleted 0 sessions (0 messages) older than 30d");
        Result hours = run(tenants, "cleanup-history", "--tenant=" + id, "--older-than=12h");
        assertThat(hours.out()).startsWith("Deleted 1 sessions (2 messages) older than 12h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "thirty days", "0d", "-5d", "P1M"})
    void refusesAnInvalidDurationWithOneLine(String duration) throws Exception {
        String id = createTenant(tenants, "--no-provision");

        Result result = run(tenants, "cleanup-history", "--tenant=" + id, "--older-than=" + duration);

        assertOneLineFailure(result, 2).startsWith("Error: Invalid value for option '--older-than': '" + duration + "' is not a");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anUnreachableDatabaseFailsWithOneLine() throws Exception {
        String id = createTenant(tenants, "--no-provision", "--db-port=1");

        Result result = run(tenants, "cleanup-history", "--tenant=" + id, "--older-than=30d");

        assertOneLineFailure(result, 1).startsWith("Error: cannot connect to " + databaseOf(id) + " as " + roleOf(id) + ": ");
    }
}
