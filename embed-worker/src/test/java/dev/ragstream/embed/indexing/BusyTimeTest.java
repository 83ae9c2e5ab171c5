package dev.ragstream.embed.indexing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BusyTimeTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(100 * SECOND);
    private final BusyTime busy = new BusyTime(now::get);

    @Test
    void overlappingStaysCountOnceAndIdleTimeNotAtAll() {
        BusyTime.Scope first = busy.enter();
        now.addAndGet(2 * SECOND);
        BusyTime.Scope second = busy.enter(); // the other lane joins
        now.addAndGet(3 * SECOND);
        first.close();
        now.addAndGet(SECOND);
        second.close();
        now.addAndGet(10 * SECOND); // idle

        assertThat(busy.seconds()).isEqualTo(6.0);

        try (BusyTime.Scope again = busy.enter()) {
            now.addAndGet(SECOND);
        }
        assertThat(busy.seconds()).isEqualTo(7.0);
    }

    @Test
    void theCurrentStretchCountsWhileACallerIsInside() {
        assertThat(busy.seconds()).isZero();
        try (BusyTime.Scope inside = busy.enter()) {
            now.addAndGet(SECOND / 2);
            assertThat(busy.seconds()).isEqualTo(0.5);
        }
    }
}
