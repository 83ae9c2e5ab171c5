package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The one time budget of a fetch; every blocking step takes its timeout from what is left. */
final class Deadline {

    private final Duration budget;
    private final long endNanos;

    private Deadline(Duration budget) {
        this.budget = budget;
        this.endNanos = System.nanoTime() + budget.toNanos();
    }

    static Deadline after(Duration budget) {
        return new Deadline(budget);
    }

    /**
     * The time left, at least one millisecond (zero would mean "no timeout" to sockets).
     *
     * @throws EgressRefusedException {@code deadline_exceeded} when none is left
     */
    int remainingMillis() throws EgressRefusedException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw exceeded(null);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    EgressRefusedException exceeded(Throwable cause) {
        return new EgressRefusedException(Reason.DEADLINE_EXCEEDED, "the fetch did not complete within " + budget.toMillis() + " ms", cause);
    }
}
