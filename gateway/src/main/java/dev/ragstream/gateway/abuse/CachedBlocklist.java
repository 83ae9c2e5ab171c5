package dev.ragstream.gateway.abuse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blocklist in front of the shared store that remembers answers on this gateway: a block until
 * it ends (a blocked client hammering the gateway costs no store query), "not blocked" for
 * {@code clearFor} (so a block set by another replica shows here at most that much later). Counting
 * a failure forgets the network's answer, so this gateway sees its own blocks at once.
 */
final class CachedBlocklist implements Blocklist {

    private static final int MAX_ENTRIES = 100_000;

    private final Blocklist store;
    private final Duration clearFor;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** @param blockedUntil null for a "not blocked" answer, valid until {@code clearUntil} */
    private record Entry(Instant blockedUntil, Instant clearUntil) {
    }

    CachedBlocklist(Blocklist store, Duration clearFor, Clock clock) {
        this.store = store;
        this.clearFor = clearFor;
        this.clock = clock;
    }

    @Override
    public Optional<Duration> blockedFor(String network) throws BlocklistUnavailableException {
        Instant now = clock.instant();
        Entry known = entries.get(network);
        if (known != null && known.blockedUntil() != null && now.isBefore(known.blockedUntil())) {
            return Optional.of(Duration.between(now, known.blockedUntil()));
        }
        if (known != null && known.blockedUntil() == null && now.isBefore(known.clearUntil())) {
            return Optional.empty();
        }
        Optional<Duration> left = store.blockedFor(network);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        if (left.isPresent()) {
            entries.put(network, new Entry(now.plus(left.get()), null));
        } else if (!clearFor.isNegative() && !clearFor.isZero()) {
            entries.put(network, new Entry(null, now.plus(clearFor)));
        } else {
            entries.remove(network);
        }
        return left;
    }

    @Override
    public boolean recordFailure(String network, String tenantId) throws BlocklistUnavailableException {
        entries.remove(network);
        return store.recordFailure(network, tenantId);
    }
}
