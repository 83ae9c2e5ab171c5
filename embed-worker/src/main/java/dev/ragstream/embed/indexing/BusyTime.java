package dev.ragstream.embed.indexing;

import java.util.function.LongSupplier;

/**
 * Wall-clock time during which at least one caller was inside: the busy time of a stage that runs
 * on several threads (the two lanes' consumers), each moment counted once however many overlap.
 */
final class BusyTime {

    private final LongSupplier clock;
    private int inside;
    private long since;
    private long total;

    BusyTime() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    BusyTime(LongSupplier clock) {
        this.clock = clock;
    }

    /** Marks a caller inside until the returned scope is closed. */
    Scope enter() {
        synchronized (this) {
            if (inside++ == 0) {
                since = clock.getAsLong();
            }
        }
        return this::exit;
    }

    private synchronized void exit() {
        if (--inside == 0) {
            total += clock.getAsLong() - since;
        }
    }

    /** The busy seconds so far, the current stretch included. */
    synchronized double seconds() {
        return (total + (inside > 0 ? clock.getAsLong() - since : 0)) / 1e9;
    }

    /** A caller's stay; closing it twice is a mistake of the caller. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
