package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private final ClientAddresses direct = new ClientAddresses(List.of());
    private final ClientAddresses behindProxies = new ClientAddresses(List.of("10.0.0.0/8", "2001:db8:ffff::/48"));

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientWhateverTheHeadersSay() {
        ClientAddress client = direct.resolve("198.51.100.7", List.of("203.0.113.1", "192.0.2.1, 192.0.2.2"));

        assertThat(client.network()).isEqualTo("198.51.100.7/32");
    }

    @Test
    void anUntrustedPeerCannotSpoofItsAddressEvenWhenProxiesAreConfigured() {
        assertThat(behindProxies.resolve("198.51.100.7", List.of("10.1.1.1, 203.0.113.9")).network())
                .isEqualTo("198.51.100.7/32");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        // the client wrote "203.0.113.66" itself; the proxies appended 198.51.100.7 and 10.0.0.5
        ClientAddress client = behindProxies.resolve("10.0.0.9", List.of("203.0.113.66, 198.51.100.7, 10.0.0.5"));

        assertThat(client.network()).isEqualTo("198.51.100.7/32");
    }

    @Test
    void severalHeadersAreOneListInOrder() {
        assertThat(behindProxies.resolve("10.0.0.9", List.of("203.0.113.66", "198.51.100.7", "10.0.0.5")).network())
                .isEqualTo("198.51.100.7/32");
    }

    @Test
    void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
        assertThat(behindProxies.resolve("10.0.0.9", List.of("10.2.3.4, 10.0.0.5")).network()).isEqualTo("10.2.3.4/32");
    }

    @Test
    void aTrustedPeerWithoutForwardedForIsItselfTheClient() {
        assertThat(behindProxies.resolve("10.0.0.9", List.of()).network()).isEqualTo("10.0.0.9/32");
    }

    @Test
    void garbageLeftOfAGoodHopIsIgnoredAndThatHopIsTheClient() {
        assertThat(behindProxies.resolve("10.0.0.9", List.of("evil.example, 10.7.7.7, 10.0.0.5")).network())
                .as("10.7.7.7 is trusted but sent the garbage, so it is the client").isEqualTo("10.7.7.7/32");
        assertThat(behindProxies.resolve("10.0.0.9", List.of("unknown")).network()).isEqualTo("10.0.0.9/32");
    }

    @Test
    void hopsWithPortsAndBracketsAreUnderstood() {
        assertThat(behindProxies.resolve("10.0.0.9", List.of("198.51.100.7:51234")).network()).isEqualTo("198.51.100.7/32");
        assertThat(behindProxies.resolve("10.0.0.9", List.of("[2001:db8:1:2::7]:443")).network())
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64HoweverTheAddressIsWritten() {
        String a = direct.resolve("2001:db8:1:2::1", List.of()).network();
        String b = direct.resolve("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", List.of()).network();
        String other = direct.resolve("2001:db8:1:3::1", List.of()).network();

        assertThat(a).isEqualTo(b).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void ipv4MappedIpv6IsTheIpv4Client() {
        assertThat(direct.resolve("::ffff:198.51.100.7", List.of()).network()).isEqualTo("198.51.100.7/32");
    }

    @Test
    void ipv6ProxiesAreTrustedByTheirNetwork() {
        assertThat(behindProxies.resolve("2001:db8:ffff:1::1", List.of("2001:db8:aaaa::5")).network())
                .isEqualTo("2001:db8:aaaa:0:0:0:0:0/64");
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertThat(IpLiterals.parse("localhost")).isEmpty();
        assertThat(IpLiterals.parse("example.com")).isEmpty();
        assertThat(IpLiterals.parse("1.2.3")).isEmpty();
        assertThat(IpLiterals.parse("256.1.1.1")).isEmpty();
        assertThat(IpLiterals.parse("0x7f.1")).isEmpty();
        assertThat(IpLiterals.parse("fe80::1%eth0")).isEmpty();
        assertThat(IpLiterals.parse(":::")).isEmpty();
        assertThat(IpLiterals.parse("[::1]")).get().extracting(a -> a.getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void misconfiguredProxiesFailAtStartupNamingTheEntry() {
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/8", "proxy.internal")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }
}
