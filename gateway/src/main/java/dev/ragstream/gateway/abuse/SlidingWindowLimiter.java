package dev.ragstream.gateway.abuse;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exact sliding-window limiter in this JVM's memory: a request is allowed when fewer than
 * {@code limit} requests of its key were allowed in the last {@code window}. Denied requests are not
 * counted. At most {@code maxKeys} keys are tracked; beyond that (after dropping idle keys) new keys
 * are let through untracked and a warning is logged, so a flood of invented keys costs bounded
 * memory and never limits clients already tracked.
 */
final class SlidingWindowLimiter {

    private static final Logger log = LoggerFactory.getLogger(SlidingWindowLimiter.class);

    private final String name;
    private final long windowMillis;
    private final int maxKeys;
    private final LongSupplier clock;
    private final Map<String, Timestamps> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastFullWarning = new AtomicLong();
    private final AtomicLong lastRoomSweep = new AtomicLong();

    SlidingWindowLimiter(String name, Duration window, int maxKeys, LongSupplier epochMillis) {
        this.name = name;
        this.windowMillis = window.toMillis();
        this.maxKeys = maxKeys;
        this.clock = epochMillis;
    }

    RateLimitDecision acquire(String key, int limit) {
        while (true) {
            Timestamps times = windows.get(key);
            if (times == null) {
                if (windows.size() >= maxKeys && !makeRoom()) {
                    long now = clock.getAsLong();
                    return new RateLimitDecision(true, limit, limit - 1, seconds(now + windowMillis), 0);
                }
                times = windows.computeIfAbsent(key, k -> new Timestamps());
            }
            synchronized (times) {
                if (!times.retired) {
                    return acquire(times, limit, clock.getAsLong());
                }
            }
        }
    }

    private RateLimitDecision acquire(Timestamps times, int limit, long now) {
        times.dropUpTo(now - windowMillis);
        if (times.size() < limit) {
            times.add(now);
            return new RateLimitDecision(true, limit, limit - times.size(), seconds(times.oldest() + windowMillis), 0);
        }
        long freeAt = times.oldest() + windowMillis;
        return new RateLimitDecision(false, limit, 0, seconds(freeAt), (int) Math.max(1, (freeAt - now + 999) / 1000));
    }

    /** Drops keys with nothing left in their window. */
    void sweep() {
        long cutoff = clock.getAsLong() - windowMillis;
        windows.values().removeIf(times -> {
            synchronized (times) {
                times.dropUpTo(cutoff);
                times.retired = times.size() == 0;
                return times.retired;
            }
        });
    }

    int keys() {
        return windows.size();
    }

    /** Sweeps (at most once a second: a full sweep is linear in the keys) and says whether a key fits now. */
    private boolean makeRoom() {
        long now = System.currentTimeMillis();
        long lastSweep = lastRoomSweep.get();
        if (now - lastSweep >= 1000 && lastRoomSweep.compareAndSet(lastSweep, now)) {
            sweep();
        }
        if (windows.size() < maxKeys) {
            return true;
        }
        long last = lastFullWarning.get();
        if (now - last > 60_000 && lastFullWarning.compareAndSet(last, now)) {
            log.warn("Rate limit {} tracks {} keys, its maximum; new keys pass untracked", name, maxKeys);
        }
        return false;
    }

    private static long seconds(long epochMillis) {
        return (epochMillis + 999) / 1000;
    }
}
