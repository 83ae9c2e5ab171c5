package dev.ragstream.embed.indexing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProviderBackoffTest {

    private final MutableClock clock = new MutableClock();
    private final ProviderBackoff backoff = new ProviderBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), clock);

    @Test
    void eachFailureInARowDoublesTheWaitWithinItsJitterUpToTheCap() {
        assertThat(backoff.waiting("acme")).isFalse();
        long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
        for (long seconds : expected) {
            Duration wait = backoff.failed("acme", null);
            assertThat(wait.toMillis()).isBetween(seconds * 800, seconds * 1200);
        }
    }

    @Test
    void aTenantWaitsAtLeastAsLongAsItsProviderAskedAndAloneAndASuccessEndsIt() {
        Duration wait = backoff.failed("acme", Duration.ofSeconds(30));

        assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.waiting("acme")).isTrue();
        assertThat(backoff.waiting("globex")).as("another tenant").isFalse();
        clock.advance(wait.minusMillis(1));
        assertThat(backoff.waiting("acme")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(backoff.waiting("acme")).isFalse();

        backoff.failed("acme", null);
        backoff.succeeded("acme");
        assertThat(backoff.waiting("acme")).isFalse();
        assertThat(backoff.failed("acme", null).toMillis()).as("the doubling starts over").isBetween(800L, 1200L);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
