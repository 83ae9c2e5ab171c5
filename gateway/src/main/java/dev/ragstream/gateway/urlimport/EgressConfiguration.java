package dev.ragstream.gateway.urlimport;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.egress.DnsResolver;
import dev.ragstream.platform.egress.SafeFetcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's one outbound client for client-supplied URLs, with the policy of {@code ragstream.gateway.egress.*}. */
@Configuration(proxyBeanMethods = false)
class EgressConfiguration {

    @Bean
    DnsResolver egressDnsResolver() {
        return DnsResolver.system();
    }

    /** Capped at the policy's {@code max-body-size}; {@link UrlImporter} narrows the cap per tenant. */
    @Bean
    SafeFetcher safeFetcher(GatewayProperties properties, DnsResolver egressDnsResolver) {
        return new SafeFetcher(properties.egress(), egressDnsResolver);
    }
}
