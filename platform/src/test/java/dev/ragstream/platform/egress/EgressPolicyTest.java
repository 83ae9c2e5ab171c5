package dev.ragstream.platform.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class EgressPolicyTest {

    static EgressPolicy bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("egress", EgressPolicy.class);
    }

    @Test
    void defaultsAreWebSchemesOnWebPortsWithFiveRedirectsThirtySecondsAndTheUploadCap() {
        EgressPolicy policy = EgressPolicy.defaults();
        assertThat(policy.allowedSchemes()).containsExactlyInAnyOrder("http", "https");
        assertThat(policy.allowedPorts()).containsExactlyInAnyOrder(80, 443);
        assertThat(policy.maxRedirects()).isEqualTo(5);
        assertThat(policy.deadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.maxBodySize()).isEqualTo(DataSize.ofMegabytes(100));
        assertThat(policy.allowedPrivateHosts()).isEmpty();
    }

    @Test
    void bindsFromConfigurationWithTheSameDefaults() {
        assertThat(bind(Map.of())).isEqualTo(EgressPolicy.defaults());
    }

    @Test
    void bindsOperatorSettings() {
        EgressPolicy policy = bind(Map.of(
                "egress.allowed-ports", "443,8443",
                "egress.deadline", "10s",
                "egress.max-body-size", "5MB",
                "egress.allowed-private-hosts", "Wiki.Intranet.Example.,10.0.0.5,fd00::1"));
        assertThat(policy.allowedPorts()).containsExactlyInAnyOrder(443, 8443);
        assertThat(policy.deadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.maxBodySize().toBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(policy.allowedPrivateHosts()).containsExactlyInAnyOrder("wiki.intranet.example", "10.0.0.5", "fd00:0:0:0:0:0:0:1");
    }

    @Test
    void matchesAllowListedHostsInTheirCanonicalForm() {
        EgressPolicy policy = EgressPolicy.defaults().withAllowedPrivateHosts("0x0a000005", "[FD00::1]", "Wiki.Example");
        assertThat(policy.allowedPrivateHosts()).containsExactlyInAnyOrder("10.0.0.5", "fd00:0:0:0:0:0:0:1", "wiki.example");
        assertThat(policy.allowsPrivateAddressesFor("wiki.example")).isTrue();
        assertThat(policy.allowsPrivateAddressesFor("other.example")).isFalse();
    }

    @Test
    void refusesSettingsThatWouldWeakenOrBreakTheFetcher() {
        EgressPolicy defaults = EgressPolicy.defaults();
        assertThatThrownBy(() -> defaults.withAllowedSchemes("http", "ftp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withAllowedSchemes()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withAllowedPorts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withAllowedPorts(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxRedirects(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withMaxBodySize(DataSize.ofBytes(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withAllowedPrivateHosts("http://intranet/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EgressPolicy(Set.of("http"), Set.of(80), 5, Duration.ofSeconds(1), DataSize.ofKilobytes(1),
                Set.of(), "agent\r\nX-Injected: 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bind(Map.of("egress.allowed-schemes", "gopher"))).isInstanceOf(BindException.class);
    }
}
