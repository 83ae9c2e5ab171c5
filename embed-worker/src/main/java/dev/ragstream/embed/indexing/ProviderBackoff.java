package dev.ragstream.embed.indexing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which tenants' embedding providers asked this worker to wait (429, 5xx, timeouts), and until
 * when. A tenant in backoff is not called at all: its chunks are stored without vectors (deferred)
 * and the {@link GenerationFiller} embeds them once the wait is over, so no consumer of either
 * lane ever waits for one tenant's provider. Each failure in a row doubles the wait, from
 * {@code ragstream.embed.backoff-base} (1 s) up to {@code backoff-cap} (60 s), jittered by ±20 %,
 * and never shorter than the provider's own {@code Retry-After}; a success ends it.
 */
@Component
class ProviderBackoff {

    private record State(int failures, Instant until) {
    }

    private final Map<String, State> tenants = new ConcurrentHashMap<>();
    private final Duration base;
    private final Duration cap;
    private final Clock clock;

    @Autowired
    ProviderBackoff(@Value("${ragstream.embed.backoff-base:1s}") Duration base,
                    @Value("${ragstream.embed.backoff-cap:60s}") Duration cap) {
        this(base, cap, Clock.systemUTC());
    }

    ProviderBackoff(Duration base, Duration cap, Clock clock) {
        this.base = base;
        this.cap = cap;
        this.clock = clock;
    }

    /** True while the tenant's provider is to be left alone. */
    boolean waiting(String tenant) {
        State state = tenants.get(tenant);
        return state != null && clock.instant().isBefore(state.until());
    }

    /**
     * Records a failed call of the tenant's provider.
     * @param retryAfter what the provider asked for, null if nothing
     * @return how long the tenant now waits
     */
    Duration failed(String tenant, Duration retryAfter) {
        State state = tenants.compute(tenant, (id, old) -> {
            int failures = old == null ? 1 : old.failures() + 1;
            long exponential = base.toMillis() << Math.min(failures - 1, 20);
            long jittered = (long) (Math.min(exponential, cap.toMillis()) * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
            long wait = Math.max(jittered, retryAfter == null ? 0 : retryAfter.toMillis());
            return new State(failures, clock.instant().plusMillis(wait));
        });
        return Duration.between(clock.instant(), state.until());
    }

    /** The tenant's provider answered: no more waiting. */
    void succeeded(String tenant) {
        tenants.remove(tenant);
    }
}
