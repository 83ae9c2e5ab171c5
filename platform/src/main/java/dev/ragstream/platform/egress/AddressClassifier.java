package dev.ragstream.platform.egress;

import java.net.InetAddress;
import java.util.Set;

/**
 * Classifies addresses by their bytes, so every notation that yields the same bytes gets the same
 * answer. IPv6 forms that carry an IPv4 address (mapped, compatible, SIIT, 6to4, NAT64, Teredo) are
 * judged by the IPv4 address they lead to; IPv6 outside global unicast is reserved.
 */
final class AddressClassifier {

    /** 169.254.169.254 (most clouds), 169.254.170.2 (AWS ECS), 100.100.100.200 (Alibaba), 168.63.129.16 (Azure), 192.0.0.192 (Oracle). */
    private static final Set<Integer> METADATA_V4 = Set.of(0xA9FEA9FE, 0xA9FEAA02, 0x646464C8, 0xA83F8110, 0xC00000C0);

    private AddressClassifier() {
    }

    static AddressClass classify(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? ipv4(int32(b, 0)) : ipv6(b);
    }

    static AddressClass ipv4(int a) {
        if (METADATA_V4.contains(a)) {
            return AddressClass.METADATA;
        }
        if (a == 0xFFFFFFFF) {
            return AddressClass.BROADCAST;
        }
        if (in(a, 0x00000000, 8)) {
            return AddressClass.UNSPECIFIED;
        }
        if (in(a, 0x7F000000, 8)) {
            return AddressClass.LOOPBACK;
        }
        if (in(a, 0x0A000000, 8) || in(a, 0xAC100000, 12) || in(a, 0xC0A80000, 16)) {
            return AddressClass.PRIVATE;
        }
        if (in(a, 0x64400000, 10)) {
            return AddressClass.SHARED;
        }
        if (in(a, 0xA9FE0000, 16)) {
            return AddressClass.LINK_LOCAL;
        }
        if (in(a, 0xC6120000, 15)) {
            return AddressClass.BENCHMARKING;
        }
        if (in(a, 0xC0000200, 24) || in(a, 0xC6336400, 24) || in(a, 0xCB007100, 24)) {
            return AddressClass.DOCUMENTATION;
        }
        if (in(a, 0xE0000000, 4)) {
            return AddressClass.MULTICAST;
        }
        if (in(a, 0xF0000000, 4) || in(a, 0xC0000000, 24) || in(a, 0xC0586300, 24)) {
            return AddressClass.RESERVED; // 240/4, IETF protocol assignments, the old 6to4 relay anycast
        }
        return AddressClass.PUBLIC;
    }

    static AddressClass ipv6(byte[] b) {
        int w0 = int32(b, 0);
        int w1 = int32(b, 4);
        int w2 = int32(b, 8);
        int w3 = int32(b, 12);
        if (w0 == 0 && w1 == 0 && w2 == 0) {
            return w3 == 0 ? AddressClass.UNSPECIFIED : w3 == 1 ? AddressClass.LOOPBACK : embeddedOr(w3, AddressClass.RESERVED);
        }
        if (w0 == 0 && w1 == 0 && w2 == 0x0000FFFF) {
            return ipv4(w3); // IPv4-mapped
        }
        if (w0 == 0 && w1 == 0 && w2 == 0xFFFF0000) {
            return embeddedOr(w3, AddressClass.RESERVED); // SIIT IPv4-translated
        }
        if (w0 == 0x0064FF9B && w1 == 0 && w2 == 0) {
            return ipv4(w3); // NAT64 well-known prefix
        }
        if (w0 == 0x0064FF9B && (w1 >>> 16) == 0x0001) {
            return AddressClass.PRIVATE; // NAT64 local-use prefix 64:ff9b:1::/48
        }
        if ((w0 >>> 16) == 0x2002) {
            return ipv4((w0 << 16) | (w1 >>> 16)); // 6to4
        }
        if (w0 == 0x20010000) {
            return worstOf(ipv4(~w3), ipv4(w1), AddressClass.RESERVED); // Teredo: client (inverted) and server
        }
        if (w0 == 0xFD000EC2 || w0 == 0xFD2000CE) {
            return AddressClass.METADATA; // AWS fd00:ec2::/32, Google fd20:ce::/32
        }
        return ipv6Ranges(w0);
    }

    private static AddressClass ipv6Ranges(int w0) {
        if (w0 == 0x20010DB8 || (w0 >>> 12) == 0x3FFF0) {
            return AddressClass.DOCUMENTATION; // 2001:db8::/32, 3fff::/20
        }
        if ((w0 >>> 23) == (0x20010000 >>> 23)) {
            return AddressClass.RESERVED; // 2001::/23 IETF protocol assignments (benchmarking, ORCHID, ...)
        }
        if ((w0 >>> 25) == (0xFC000000 >>> 25) || (w0 >>> 22) == (0xFEC00000 >>> 22)) {
            return AddressClass.PRIVATE; // unique local fc00::/7, deprecated site-local fec0::/10
        }
        if ((w0 >>> 22) == (0xFE800000 >>> 22)) {
            return AddressClass.LINK_LOCAL;
        }
        if ((w0 >>> 24) == 0xFF) {
            return AddressClass.MULTICAST;
        }
        return (w0 >>> 29) == 0b001 ? AddressClass.PUBLIC : AddressClass.RESERVED; // only 2000::/3 is global unicast
    }

    /** The embedded IPv4's class when that is blocked, else {@code otherwise}. */
    private static AddressClass embeddedOr(int ipv4, AddressClass otherwise) {
        AddressClass embedded = ipv4(ipv4);
        return embedded.blocked() ? embedded : otherwise;
    }

    private static AddressClass worstOf(AddressClass client, AddressClass server, AddressClass otherwise) {
        return client.blocked() ? client : server.blocked() ? server : otherwise;
    }

    private static boolean in(int address, int network, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (address & mask) == network;
    }

    private static int int32(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8 | (b[offset + 3] & 0xff);
    }
}
