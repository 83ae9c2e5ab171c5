package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** The abuse controls' shared parts: who the client is, the blocklist (store and cache), the limiters. */
@Configuration(proxyBeanMethods = false)
class AbuseConfiguration {

    @Bean
    ClientAddresses clientAddresses(GatewayProperties gateway) {
        return new ClientAddresses(gateway.trustedProxies());
    }

    @Bean(destroyMethod = "close")
    PostgresBlocklist postgresBlocklist(GatewayProperties gateway) {
        return new PostgresBlocklist(gateway.blocklist());
    }

    @Bean
    @Primary
    Blocklist blocklist(PostgresBlocklist store, GatewayProperties gateway) {
        return new CachedBlocklist(store, gateway.blocklist().checkCache(), Clock.systemUTC());
    }

    @Bean
    RateLimiting rateLimiting(GatewayProperties gateway) {
        return new RateLimiting(gateway.rateLimits(), System::currentTimeMillis);
    }
}
