package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.tenant.Tenant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The gateway's rate limits: one sliding-window limiter per {@link LimitRule}, in this gateway's
 * memory (replicas count separately). Limits are the tenant's {@code RATE_LIMIT_*_PER_MINUTE} when
 * it sets a positive number, else the configured seed default.
 */
final class RateLimiting {

    private static final Logger log = LoggerFactory.getLogger(RateLimiting.class);
    private static final int MAX_SESSION_KEY = 128;

    private final GatewayProperties.RateLimits defaults;
    private final Map<LimitRule, SlidingWindowLimiter> limiters = new EnumMap<>(LimitRule.class);
    private final Set<String> reportedInvalid = ConcurrentHashMap.newKeySet();

    RateLimiting(GatewayProperties.RateLimits defaults, LongSupplier epochMillis) {
        this.defaults = defaults;
        for (LimitRule rule : LimitRule.values()) {
            limiters.put(rule, new SlidingWindowLimiter(rule.name(), defaults.window(), defaults.maxKeys(), epochMillis));
        }
    }

    /** Counts the request against {@code rule} if it is within the limit. */
    RateLimitDecision acquire(LimitRule rule, EdgeRequest edge) {
        return limiters.get(rule).acquire(key(rule, edge), limit(rule, edge.tenant()));
    }

    int limit(LimitRule rule, Optional<Tenant> tenant) {
        int seed = rule.seedDefault(defaults);
        Optional<String> value = tenant.flatMap(t -> t.get(rule.variable()));
        if (value.isEmpty()) {
            return seed;
        }
        try {
            int limit = Integer.parseInt(value.get());
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (reportedInvalid.add(tenant.get().id() + " " + rule.variable())) {
            log.warn("Tenant {}: {} is not a positive number; using {}", tenant.get().id(), rule.variable(), seed);
        }
        return seed;
    }

    private static String key(LimitRule rule, EdgeRequest edge) {
        String network = edge.client().network();
        return switch (rule.keying()) {
            case TENANT -> edge.tenantKey();
            case NETWORK -> network;
            case CLIENT -> edge.tenantKey() + "|" + network;
            case SESSION_AND_CLIENT -> edge.tenantKey() + "|" + network + "|" + session(edge.sessionId());
        };
    }

    /** Long session ids are cut: two of one client that share a long prefix share a window (stricter, never looser). */
    private static String session(String sessionId) {
        String s = sessionId == null ? "" : sessionId;
        return s.length() > MAX_SESSION_KEY ? s.substring(0, MAX_SESSION_KEY) : s;
    }

    @Scheduled(fixedDelayString = "60s")
    void sweep() {
        limiters.values().forEach(SlidingWindowLimiter::sweep);
    }
}
