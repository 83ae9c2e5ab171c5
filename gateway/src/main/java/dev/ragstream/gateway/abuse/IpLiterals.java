package dev.ragstream.gateway.abuse;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals — never host names, so no text from a client ever causes a DNS
 * lookup. IPv4-mapped IPv6 literals come back as IPv4 addresses.
 */
final class IpLiterals {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiterals() {
    }

    /** The address written in {@code text} (optionally in brackets), empty for anything else. */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.length() > 2 && s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean literal = s.indexOf(':') >= 0 ? IPV6.matcher(s).matches() : IPV4.matcher(s).matches();
        if (!literal) {
            return Optional.empty();
        }
        try {
            // a string with a colon is only ever parsed as an IPv6 literal; a dotted quad as IPv4
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
