package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachedBlocklistTest {

    /** A store double that answers what the test sets and counts the questions. */
    static final class ScriptedStore implements Blocklist {
        Optional<Duration> answer = Optional.empty();
        boolean down;
        int questions;
        int failures;

        @Override
        public Optional<Duration> blockedFor(String network) throws BlocklistUnavailableException {
            questions++;
            if (down) {
                throw new BlocklistUnavailableException("down", null);
            }
            return answer;
        }

        @Override
        public boolean recordFailure(String network, String tenantId) {
            failures++;
            return false;
        }
    }

    private final ScriptedStore store = new ScriptedStore();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final CachedBlocklist cache = new CachedBlocklist(store, Duration.ofSeconds(1), new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void aBlockIsRememberedUntilItEndsWithoutAskingTheStoreAgain() throws Exception {
        store.answer = Optional.of(Duration.ofMinutes(15));
        cache.blockedFor("n");
        store.answer = Optional.empty();
        now = now.plus(Duration.ofMinutes(14));

        assertThat(cache.blockedFor("n")).contains(Duration.ofMinutes(1));
        assertThat(store.questions).isEqualTo(1);

        now = now.plus(Duration.ofMinutes(1));
        assertThat(cache.blockedFor("n")).isEmpty();
        assertThat(store.questions).isEqualTo(2);
    }

    @Test
    void notBlockedIsReusedOnlyBriefly() throws Exception {
        cache.blockedFor("n");
        now = now.plusMillis(999);
        cache.blockedFor("n");
        assertThat(store.questions).isEqualTo(1);

        store.answer = Optional.of(Duration.ofMinutes(3)); // another replica blocked it
        now = now.plusMillis(1);
        assertThat(cache.blockedFor("n")).contains(Duration.ofMinutes(3));
    }

    @Test
    void countingAFailureForgetsTheAnswerSoOwnBlocksShowAtOnce() throws Exception {
        cache.blockedFor("n");
        cache.recordFailure("n", "");
        store.answer = Optional.of(Duration.ofMinutes(15));

        assertThat(cache.blockedFor("n")).isPresent();
        assertThat(store.failures).isEqualTo(1);
    }

    @Test
    void anOutageIsPassedOnAndNeverRemembered() throws Exception {
        store.down = true;
        assertThatThrownBy(() -> cache.blockedFor("n")).isInstanceOf(BlocklistUnavailableException.class);
        store.down = false;

        assertThat(cache.blockedFor("n")).isEmpty();
        assertThat(store.questions).isEqualTo(2);
    }

    @Test
    void withoutACacheDurationEveryCheckAsksTheStore() throws Exception {
        CachedBlocklist uncached = new CachedBlocklist(store, Duration.ZERO, Clock.systemUTC());
        uncached.blockedFor("n");
        uncached.blockedFor("n");

        assertThat(store.questions).isEqualTo(2);
    }
}
