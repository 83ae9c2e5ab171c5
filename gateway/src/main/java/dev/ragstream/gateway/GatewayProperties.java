package dev.ragstream.gateway;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code ragstream.gateway.*}).
 *
 * @param queryApi     base URL of the query API the gateway proxies chat to
 * @param tenantAdmin  base URL of the tenant-admin service the gateway proxies {@code /admin/**} to
 * @param proxyTimeout how long a proxied request may take
 */
@Validated
@ConfigurationProperties("ragstream.gateway")
public record GatewayProperties(@NotNull @DefaultValue("http://127.0.0.1:8081") URI queryApi,
                                @NotNull @DefaultValue("http://127.0.0.1:8084") URI tenantAdmin,
                                @DefaultValue("120s") Duration proxyTimeout) {
}
