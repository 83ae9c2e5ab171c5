package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matchesAddressesInsideTheNetworkOnly() throws Exception {
        Cidr net = Cidr.parse("172.16.0.0/12");

        assertThat(net.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::ffff:172.16.0.1"))).as("IPv4-mapped").isTrue();
        assertThat(net.contains(InetAddress.getByName("2001:db8::1"))).as("other family").isFalse();
    }

    @Test
    void aBareAddressIsASingleHostAndHostBitsAreIgnored() throws Exception {
        assertThat(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("2001:db8::1/32").contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void refusesAnythingButAnAddressWithAPrefix() {
        for (String bad : new String[] {"", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "::/129", "lb.internal/24"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
