package dev.ragstream.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Platform settings every service shares ({@code ragstream.platform.*}); per-tenant settings come
 * from the tenant registry instead.
 *
 * @param tenantsDir     the folder of {@code <id>/.env} files ({@code TENANTS_DIR})
 * @param stagingDir     where upload bytes wait for conversion
 * @param internalSecret shared by the gateway and the internal services
 */
@Validated
@ConfigurationProperties("ragstream.platform")
public record PlatformProperties(@DefaultValue("./tenants") Path tenantsDir,
                                 @DefaultValue("./data/staging") Path stagingDir,
                                 @NotBlank String internalSecret,
                                 @DefaultValue("2s") Duration tenantPollInterval,
                                 @Valid @DefaultValue TenantPool tenantPool,
                                 @Valid @DefaultValue Kafka kafka) {

    /**
     * Per-tenant ragdb pools: each at most {@code maxSize}, all together at most {@code totalBudget}
     * connections; a caller waits at most {@code acquireTimeout} (then 503 with Retry-After).
     */
    public record TenantPool(@DefaultValue("4") @Min(1) int maxSize, @DefaultValue("10m") Duration idleEviction,
                             @DefaultValue("1s") Duration acquireTimeout, @DefaultValue("40") @Min(1) int totalBudget) {
    }

    /** Topic layout and delivery. */
    public record Kafka(@DefaultValue("4") @Min(1) int partitions,
                        @DefaultValue("1") @Min(1) short replicationFactor,
                        @DefaultValue("10s") Duration publishTimeout,
                        @Valid @DefaultValue Retry retry) {
    }

    /** Backoff for transient failures before a record is dead-lettered. */
    public record Retry(@DefaultValue("4") @Min(0) int maxRetries,
                        @DefaultValue("500ms") Duration initialInterval,
                        @DefaultValue("10s") Duration maxInterval) {
    }
}
