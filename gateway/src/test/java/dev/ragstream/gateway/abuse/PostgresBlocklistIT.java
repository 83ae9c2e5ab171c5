package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.testsupport.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chatdb store, used as the services' role (only the chat app group's rights, no owner, no superuser). */
class PostgresBlocklistIT extends BlocklistContract {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static String role;
    static PostgresBlocklist store;

    @BeforeAll
    static void chatdb() throws SQLException {
        TestChatDb.migrate(db);
        role = TestChatDb.createAppRole(db, "app-pw");
        store = new PostgresBlocklist(TestChatDb.settings(db.jdbcUrl(), role, "app-pw"));
    }

    @AfterAll
    static void close() throws SQLException {
        store.close();
        TestChatDb.dropRole(db, role);
    }

    @Override
    protected Blocklist blocklist() {
        return store;
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() throws Exception {
        String network = freshNetwork();
        for (int i = 0; i < 9; i++) {
            store.recordFailure(network, "");
        }
        sql("UPDATE ip_blocklist SET window_start = window_start - interval '16 minutes' WHERE network = ?::cidr", network);

        assertThat(store.recordFailure(network, "")).isFalse();
        assertThat(failures(network)).as("a new window").isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            assertThat(store.recordFailure(network, "")).isFalse();
        }
        assertThat(store.recordFailure(network, "")).as("ten in the new window").isTrue();
    }

    @Test
    void aBlockEndsAfterItsDurationAndCountingStartsAfresh() throws Exception {
        String network = freshNetwork();
        for (int i = 0; i < 10; i++) {
            store.recordFailure(network, "acme");
        }
        sql("UPDATE ip_blocklist SET blocked_until = now() - interval '1 second',"
                + " window_start = window_start - interval '15 minutes' WHERE network = ?::cidr", network);

        assertThat(store.blockedFor(network)).isEmpty();
        assertThat(store.recordFailure(network, "acme")).isFalse();
        assertThat(store.blockedFor(network)).isEmpty();
    }

    @Test
    void everyReplicaAndARestartedGatewaySharesTheCountsAndTheBlocks() throws Exception {
        String network = freshNetwork();
        try (PostgresBlocklist other = new PostgresBlocklist(TestChatDb.settings(db.jdbcUrl(), role, "app-pw"))) {
            for (int i = 0; i < 5; i++) {
                store.recordFailure(network, "");
                other.recordFailure(network, "");
            }
            assertThat(other.blockedFor(network)).as("blocked by the two together").isPresent();
        }
        try (PostgresBlocklist restarted = new PostgresBlocklist(TestChatDb.settings(db.jdbcUrl(), role, "app-pw"))) {
            assertThat(restarted.blockedFor(network)).isPresent();
        }
    }

    @Test
    void purgingDeletesOnlyRowsWhoseWindowAndBlockAreOver() throws Exception {
        String stale = freshNetwork();
        String blocked = freshNetwork();
        String recent = freshNetwork();
        store.recordFailure(stale, "");
        for (int i = 0; i < 10; i++) {
            store.recordFailure(blocked, "");
        }
        store.recordFailure(recent, "");
        sql("UPDATE ip_blocklist SET window_start = window_start - interval '20 minutes' WHERE network IN (?::cidr, ?::cidr)",
                stale, blocked);

        store.purge();

        assertThat(failures(stale)).isZero();
        assertThat(failures(blocked)).as("still blocked").isEqualTo(10);
        assertThat(failures(recent)).isEqualTo(1);
    }

    @Test
    void anUnreachableStoreIsReportedAsUnavailableWithinSeconds() {
        try (PostgresBlocklist down = new PostgresBlocklist(
                TestChatDb.settings("jdbc:postgresql://127.0.0.1:1/chatdb", role, "app-pw"))) {
            Instant start = Instant.now();
            assertThatThrownBy(() -> down.blockedFor("10.0.0.1/32")).isInstanceOf(BlocklistUnavailableException.class);
            assertThatThrownBy(() -> down.recordFailure("10.0.0.1/32", "")).isInstanceOf(BlocklistUnavailableException.class);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static void sql(String statement, String... networks) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < networks.length; i++) {
                ps.setString(i + 1, networks[i]);
            }
            ps.executeUpdate();
        }
    }

    private static int failures(String network) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(failures), 0) FROM ip_blocklist WHERE network = ?::cidr")) {
            ps.setString(1, network);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
