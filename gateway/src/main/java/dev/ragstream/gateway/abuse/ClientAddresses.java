package dev.ragstream.gateway.abuse;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides who the client is. The socket peer is, unless it is one of the configured trusted
 * proxies: then the {@code X-Forwarded-For} hops are walked from the right (each trusted proxy
 * appends the peer it saw) and the first hop that is not itself a trusted proxy is the client.
 * Hops left of it were written by the client and are never believed.
 */
final class ClientAddresses {

    private final List<Cidr> trustedProxies;

    /** @throws IllegalArgumentException naming the first entry that is not a CIDR network */
    ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /**
     * @param socketPeer   the address the connection came from ({@code getRemoteAddr()})
     * @param forwardedFor the values of every {@code X-Forwarded-For} header, in order
     * @throws IllegalArgumentException when {@code socketPeer} is not an address literal
     */
    ClientAddress resolve(String socketPeer, List<String> forwardedFor) {
        InetAddress client = IpLiterals.parse(socketPeer)
                .orElseThrow(() -> new IllegalArgumentException("the socket peer is not an IP address"));
        if (trusted(client)) {
            List<String> hops = hops(forwardedFor);
            for (int i = hops.size() - 1; i >= 0; i--) {
                var hop = IpLiterals.parse(withoutPort(hops.get(i)));
                if (hop.isEmpty()) {
                    break; // garbage left of the last good hop: that hop sent it, so it is the client
                }
                client = hop.get();
                if (!trusted(client)) {
                    break;
                }
            }
        }
        return ClientAddress.of(client);
    }

    private boolean trusted(InetAddress address) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        return hops;
    }

    /** {@code 1.2.3.4:5678} → {@code 1.2.3.4}; {@code [2001:db8::1]:443} → {@code 2001:db8::1}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }
}
