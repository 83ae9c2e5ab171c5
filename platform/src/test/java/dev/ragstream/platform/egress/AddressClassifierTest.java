package dev.ragstream.platform.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassifierTest {

    /** Literals only: the JDK parses them and never asks a resolver. */
    static AddressClass classify(String literal) throws UnknownHostException {
        return AddressClassifier.classify(InetAddress.getByName(literal));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
            "192.168.0.1, PRIVATE", "192.168.255.255, PRIVATE", "fc00::1, PRIVATE", "fdff:ffff::1, PRIVATE", "fec0::1, PRIVATE",
            "169.254.0.1, LINK_LOCAL", "169.254.255.255, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf:ffff::1, LINK_LOCAL",
            "100.64.0.1, SHARED", "100.127.255.255, SHARED",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST", "ff05::1:3, MULTICAST",
            "255.255.255.255, BROADCAST",
            "240.0.0.1, RESERVED", "254.255.255.255, RESERVED", "192.0.0.8, RESERVED", "192.88.99.1, RESERVED",
            "100::1, RESERVED", "2001:2::1, RESERVED", "2001:10::1, RESERVED", "4000::1, RESERVED",
            "198.18.0.1, BENCHMARKING", "198.19.255.255, BENCHMARKING",
            "192.0.2.1, DOCUMENTATION", "198.51.100.1, DOCUMENTATION", "203.0.113.1, DOCUMENTATION",
            "2001:db8::1, DOCUMENTATION", "3fff:fff::1, DOCUMENTATION",
            "169.254.169.254, METADATA", "169.254.170.2, METADATA", "100.100.100.200, METADATA", "168.63.129.16, METADATA",
            "192.0.0.192, METADATA", "fd00:ec2::254, METADATA", "fd20:ce::254, METADATA",
            "8.8.8.8, PUBLIC", "1.1.1.1, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "11.0.0.1, PUBLIC",
            "223.255.255.255, PUBLIC", "2606:4700:4700::1111, PUBLIC", "2a00:1450:4001::1, PUBLIC"
    })
    void classifiesEveryAddressRange(String literal, AddressClass expected) throws Exception {
        assertThat(classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, METADATA", "::ffff:10.0.0.1, PRIVATE", "::ffff:8.8.8.8, PUBLIC",
            "::127.0.0.1, LOOPBACK", "::169.254.169.254, METADATA", "::8.8.8.8, RESERVED",
            "::ffff:0:127.0.0.1, LOOPBACK", "::ffff:0:8.8.8.8, RESERVED",
            "2002:7f00:1::, LOOPBACK", "2002:a9fe:a9fe::1, METADATA", "2002:a00:1::, PRIVATE", "2002:808:808::, PUBLIC",
            "64:ff9b::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, METADATA", "64:ff9b::a00:1, PRIVATE", "64:ff9b::808:808, PUBLIC",
            "64:ff9b:1::808:808, PRIVATE",
            "2001:0:4136:e378:8000:63bf:80ff:fffe, LOOPBACK", "2001:0:4136:e378:8000:63bf:5601:5601, METADATA",
            "2001:0:a00:1:8000:63bf:f7f7:f7f7, PRIVATE", "2001:0:4136:e378:8000:63bf:f7f7:f7f7, RESERVED"
    })
    void judgesIpv6FormsThatCarryAnIpv4AddressByThatAddress(String literal, AddressClass expected) throws Exception {
        assertThat(classify(literal)).isEqualTo(expected);
    }

    @Test
    void classifiesRawIpv4MappedBytesLikeTheIpv4Address() {
        assertThat(AddressClassifier.ipv6(HexFormat.of().parseHex("00000000000000000000ffffa9fea9fe"))).isEqualTo(AddressClass.METADATA);
        assertThat(AddressClassifier.ipv6(HexFormat.of().parseHex("00000000000000000000ffff7f000001"))).isEqualTo(AddressClass.LOOPBACK);
    }

    @Test
    void letsAllowListedHostsReachOnlyInternalNetworksNeverMetadataOrLinkLocal() {
        assertThat(AddressClass.values()).filteredOn(AddressClass::allowListable)
                .containsExactlyInAnyOrder(AddressClass.LOOPBACK, AddressClass.PRIVATE, AddressClass.SHARED, AddressClass.BENCHMARKING);
    }
}
