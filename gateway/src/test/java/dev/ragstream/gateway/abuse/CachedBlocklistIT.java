package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.postgres.TestDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway's cached blocklist over the real store keeps the contract, and sees other replicas' blocks soon. */
class CachedBlocklistIT extends BlocklistContract {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static PostgresBlocklist store;
    static CachedBlocklist cached;

    @BeforeAll
    static void chatdb() throws SQLException {
        TestChatDb.migrate(db);
        store = new PostgresBlocklist(TestChatDb.settings(db.jdbcUrl(), db.user(), TestChatDb.password()));
        cached = new CachedBlocklist(store, Duration.ofSeconds(1), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected Blocklist blocklist() {
        return cached;
    }

    @Test
    void aBlockSetByAnotherReplicaShowsWithinTheCacheDuration() throws Exception {
        String network = freshNetwork();
        assertThat(cached.blockedFor(network)).isEmpty();
        try (PostgresBlocklist otherReplica = new PostgresBlocklist(
                TestChatDb.settings(db.jdbcUrl(), db.user(), TestChatDb.password()))) {
            for (int i = 0; i < 10; i++) {
                otherReplica.recordFailure(network, "");
            }
        }

        await().atMost(Duration.ofSeconds(3)).until(() -> cached.blockedFor(network).isPresent());
    }
}
