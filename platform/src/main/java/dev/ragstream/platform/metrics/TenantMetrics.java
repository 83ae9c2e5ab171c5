package dev.ragstream.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Meters of tenant work, named {@code ragstream.<what>} and tagged with {@code tenant}. */
public final class TenantMetrics {

    private final MeterRegistry registry;

    public TenantMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one event of {@code name} for {@code tenant}, with extra tag pairs. */
    public void count(String name, String tenant, String... tags) {
        Counter.builder("ragstream." + name).tag("tenant", tenant).tags(tags).register(registry).increment();
    }

    /** Counts {@code amount} more of {@code name} for {@code tenant} (chunks, tokens …), with extra tag pairs. */
    public void add(String name, String tenant, double amount, String... tags) {
        Counter.builder("ragstream." + name).tag("tenant", tenant).tags(tags).register(registry).increment(amount);
    }

    /** Records a size (such as a batch's) of {@code name} for {@code tenant}, kept as a distribution. */
    public void size(String name, String tenant, double value, String... tags) {
        DistributionSummary.builder("ragstream." + name).tag("tenant", tenant).tags(tags).publishPercentileHistogram()
                .register(registry).record(value);
    }

    /** Records a duration of {@code name} for {@code tenant}. */
    public void time(String name, String tenant, Duration duration, String... tags) {
        Timer.builder("ragstream." + name).tag("tenant", tenant).tags(tags).publishPercentileHistogram()
                .register(registry).record(duration);
    }
}
