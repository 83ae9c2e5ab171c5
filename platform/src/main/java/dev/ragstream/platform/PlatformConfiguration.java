package dev.ragstream.platform;

import dev.ragstream.platform.kafka.KafkaConfiguration;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.staging.FileSystemStagingStore;
import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ProblemAdvice;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** What every service imports: tenants, their pools, staging, metrics, Kafka conventions, problem+json. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlatformProperties.class)
@EnableScheduling
@Import({KafkaConfiguration.class, ProblemAdvice.class})
public class PlatformConfiguration {

    @Bean(destroyMethod = "close")
    TenantRegistry tenantRegistry(PlatformProperties properties, MeterRegistry meters) {
        TenantRegistry registry = new TenantRegistry(properties.tenantsDir(), properties.tenantPollInterval());
        Gauge.builder("ragstream.tenants", registry, r -> r.all().size()).register(meters);
        return registry;
    }

    @Bean(destroyMethod = "close")
    TenantDataSources tenantDataSources(TenantRegistry registry, PlatformProperties properties) {
        var pool = properties.tenantPool();
        return new TenantDataSources(registry, pool.maxSize(), pool.idleEviction(), pool.acquireTimeout(), pool.totalBudget());
    }

    @Bean(destroyMethod = "close")
    ChatDatabase chatDatabase(PlatformProperties properties) {
        return new ChatDatabase(properties.tenantPool().maxSize(), properties.tenantPool().acquireTimeout().toMillis());
    }

    @Bean
    StagingStore stagingStore(PlatformProperties properties) {
        return new FileSystemStagingStore(properties.stagingDir());
    }

    @Bean
    TenantMetrics tenantMetrics(MeterRegistry meters) {
        return new TenantMetrics(meters);
    }

    @Bean
    IdlePoolEviction idlePoolEviction(TenantDataSources dataSources) {
        return new IdlePoolEviction(dataSources);
    }

    /** Closes tenant pools nobody used for a while. */
    record IdlePoolEviction(TenantDataSources dataSources) {
        @Scheduled(fixedDelayString = "60s")
        void evict() {
            dataSources.evictIdle();
        }
    }
}
