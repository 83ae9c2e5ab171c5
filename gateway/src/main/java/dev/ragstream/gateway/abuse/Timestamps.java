package dev.ragstream.gateway.abuse;

/**
 * The times (epoch millis, ascending) of the requests one key made in the current window: a ring
 * of primitive longs that grows with the traffic and shrinks again. Not thread-safe; callers lock it.
 */
final class Timestamps {

    private long[] ring = new long[4];
    private int head;
    private int size;
    /** Set when the window was removed from its limiter; a caller holding it must fetch a new one. */
    boolean retired;

    void add(long time) {
        if (size == ring.length) {
            resize(ring.length * 2);
        }
        ring[(head + size) % ring.length] = time;
        size++;
    }

    /** Forgets every time at or before {@code cutoff}. */
    void dropUpTo(long cutoff) {
        while (size > 0 && ring[head] <= cutoff) {
            head = (head + 1) % ring.length;
            size--;
        }
        if (ring.length > 64 && size < ring.length / 4) {
            resize(ring.length / 2);
        }
    }

    long oldest() {
        return ring[head];
    }

    int size() {
        return size;
    }

    private void resize(int capacity) {
        long[] next = new long[capacity];
        for (int i = 0; i < size; i++) {
            next[i] = ring[(head + i) % ring.length];
        }
        ring = next;
        head = 0;
    }
}
