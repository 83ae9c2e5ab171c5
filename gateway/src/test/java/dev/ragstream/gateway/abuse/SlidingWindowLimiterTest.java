package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final SlidingWindowLimiter limiter = new SlidingWindowLimiter("test", Duration.ofSeconds(60), 1000, now::get);

    @Test
    void allowsTheLimitThenRefusesWithTheTimeUntilASlotFrees() {
        long start = now.get();
        for (int i = 1; i <= 3; i++) {
            RateLimitDecision d = limiter.acquire("k", 3);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(3);
            assertThat(d.remaining()).isEqualTo(3 - i);
            assertThat(d.resetEpochSecond()).isEqualTo((start + 60_000) / 1000);
            now.addAndGet(10_000);
        }
        RateLimitDecision refused = limiter.acquire("k", 3);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(30); // the first request leaves the window at start + 60 s
        assertThat(refused.resetEpochSecond()).isEqualTo((start + 60_000) / 1000);
    }

    @Test
    void theWindowSlidesRequestByRequestInsteadOfResettingAtOnce() {
        limiter.acquire("k", 2);
        now.addAndGet(30_000);
        limiter.acquire("k", 2);
        now.addAndGet(29_999);
        assertThat(limiter.acquire("k", 2).allowed()).as("both still inside").isFalse();

        now.addAndGet(1);
        assertThat(limiter.acquire("k", 2).allowed()).as("the first left").isTrue();
        assertThat(limiter.acquire("k", 2).allowed()).as("the second is still inside").isFalse();
    }

    @Test
    void refusedRequestsAreNotCounted() {
        limiter.acquire("k", 1);
        for (int i = 0; i < 50; i++) {
            now.addAndGet(1000);
            limiter.acquire("k", 1);
        }
        now.set(now.get() - 50_000 + 60_000);

        assertThat(limiter.acquire("k", 1).allowed()).isTrue();
    }

    @Test
    void keysAreIndependent() {
        assertThat(limiter.acquire("a", 1).allowed()).isTrue();
        assertThat(limiter.acquire("a", 1).allowed()).isFalse();
        assertThat(limiter.acquire("b", 1).allowed()).isTrue();
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        limiter.acquire("k", 1);
        now.addAndGet(59_999);

        assertThat(limiter.acquire("k", 1).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void sweepingForgetsIdleKeysOnly() {
        limiter.acquire("idle", 5);
        now.addAndGet(45_000);
        limiter.acquire("busy", 5);
        now.addAndGet(20_000);

        limiter.sweep();

        assertThat(limiter.keys()).isEqualTo(1);
        assertThat(limiter.acquire("busy", 2).remaining()).as("busy kept its count").isZero();
    }

    @Test
    void beyondTheKeyBudgetNewKeysPassUntrackedAndTrackedKeysStayLimited() {
        SlidingWindowLimiter small = new SlidingWindowLimiter("small", Duration.ofSeconds(60), 2, now::get);
        small.acquire("a", 1);
        small.acquire("b", 1);

        assertThat(small.acquire("c", 1).allowed()).isTrue();
        assertThat(small.acquire("c", 1).allowed()).as("untracked").isTrue();
        assertThat(small.keys()).isEqualTo(2);
        assertThat(small.acquire("a", 1).allowed()).as("tracked keys keep their limit").isFalse();
    }

    @Test
    void holdsExactlyTheLimitUnderConcurrency() throws Exception {
        SlidingWindowLimiter real = new SlidingWindowLimiter("real", Duration.ofSeconds(60), 1000, System::currentTimeMillis);
        AtomicLong allowed = new AtomicLong();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    if (real.acquire("shared", 1000).allowed()) {
                        allowed.incrementAndGet();
                    }
                    real.sweep();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(allowed.get()).isEqualTo(1000);
    }

    @Test
    void theRingGrowsAndShrinksWithTraffic() {
        Timestamps times = new Timestamps();
        for (int i = 0; i < 10_000; i++) {
            times.add(i);
        }
        times.dropUpTo(9_989);

        assertThat(times.size()).isEqualTo(10);
        assertThat(times.oldest()).isEqualTo(9_990);
        times.add(20_000);
        assertThat(times.size()).isEqualTo(11);
    }
}
