package dev.ragstream.gateway.urlimport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.egress.EgressPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EgressConfigurationTest {

    @Test
    void theEgressPolicyDefaultsToPublicWebAddressesOnly() {
        EgressPolicy egress = bind(Map.of()).egress();

        assertThat(egress).isEqualTo(EgressPolicy.defaults());
        assertThat(egress.allowedPrivateHosts()).isEmpty();
    }

    @Test
    void anEmptyAllowListFromTheEnvironmentMeansNoPrivateHosts() {
        assertThat(bind(Map.of("ragstream.gateway.egress.allowed-private-hosts", "")).egress().allowedPrivateHosts()).isEmpty();
    }

    @Test
    void operatorsAllowListHostsAndPorts() {
        EgressPolicy egress = bind(Map.of("ragstream.gateway.egress.allowed-private-hosts", "Intranet.example, localhost",
                "ragstream.gateway.egress.allowed-ports", "80,443,8080")).egress();

        assertThat(egress.allowedPrivateHosts()).containsExactlyInAnyOrder("intranet.example", "localhost");
        assertThat(egress.allowedPorts()).containsExactlyInAnyOrder(80, 443, 8080);
        assertThat(new EgressConfiguration().safeFetcher(bind(Map.of()), h -> null).policy()).isEqualTo(EgressPolicy.defaults());
    }

    private static GatewayProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("ragstream.gateway", GatewayProperties.class);
    }
}
