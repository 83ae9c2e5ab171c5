package dev.ragstream.gateway.abuse;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The client of a request: its address and the network counted for limits and the blocklist — the
 * address itself for IPv4 ({@code a.b.c.d/32}), its /64 for IPv6 (one subscriber usually holds a
 * whole /64, so counting single IPv6 addresses would let one client rotate past every limit).
 *
 * @param ip      the client address
 * @param network CIDR text, canonical for the same network however the address was written
 */
public record ClientAddress(InetAddress ip, String network) {

    static ClientAddress of(InetAddress ip) {
        int prefix = ip instanceof Inet4Address ? 32 : 64;
        try {
            InetAddress masked = InetAddress.getByAddress(Cidr.mask(ip.getAddress(), prefix));
            return new ClientAddress(ip, masked.getHostAddress() + "/" + prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /** Never shows the address (logs name networks only where an operator needs them). */
    @Override
    public String toString() {
        return "ClientAddress[" + (ip instanceof Inet4Address ? "IPv4" : "IPv6") + "]";
    }
}
