package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A URL host in the one form the fetcher validates, connects to and matches allow-lists against:
 * lower-case ASCII names (internationalized names in punycode, no trailing dot); a dotted quad for
 * every IPv4 notation browsers and {@code inet_aton} accept (decimal, hex, octal, short forms such
 * as {@code 127.1}); the full textual form of IPv6 literals. A host whose last label is numeric
 * must be such an IPv4 address, so nothing numeric ever reaches a resolver that might read it
 * differently. Anything else is {@code invalid_url}.
 *
 * @param name    the canonical host, without brackets
 * @param literal the address when the host is an IP literal, else null
 */
record CanonicalHost(String name, InetAddress literal) {

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;
    private static final Pattern NAME_CHARS = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern DOTTED_QUAD_TAIL = Pattern.compile(".*:" + OCTET + "(?:\\." + OCTET + "){3}");

    /**
     * @param raw the host as written in a URL: IPv6 in brackets, no port
     * @throws EgressRefusedException {@code invalid_url} when it is not a valid, unambiguous host
     */
    static CanonicalHost of(String raw) throws EgressRefusedException {
        if (raw.isEmpty()) {
            throw invalid("the URL has an empty host");
        }
        if (raw.startsWith("[")) {
            return ipv6(raw);
        }
        if (raw.indexOf('%') >= 0 || raw.indexOf(':') >= 0) {
            throw invalid("the host is percent-encoded or an IPv6 address without brackets");
        }
        String ascii = toAscii(raw).toLowerCase(Locale.ROOT);
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty() || ascii.length() > MAX_NAME || !NAME_CHARS.matcher(ascii).matches()) {
            throw invalid("the host is not a valid name or address");
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                throw invalid("the host has an empty or overlong label");
            }
        }
        return endsInNumber(labels[labels.length - 1]) ? ipv4(labels) : new CanonicalHost(ascii, null);
    }

    private static String toAscii(String raw) throws EgressRefusedException {
        if (raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        try {
            // maps full-width digits and ideographic full stops to ASCII, so "１２７。０。０。１" is 127.0.0.1
            return IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw invalid("the host is not a valid internationalized name");
        }
    }

    private static CanonicalHost ipv6(String raw) throws EgressRefusedException {
        String inner = raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : "";
        if (inner.indexOf('%') >= 0) {
            throw invalid("IPv6 zone identifiers are not allowed");
        }
        boolean wellFormed = IPV6_CHARS.matcher(inner).matches() && inner.indexOf(':') >= 0
                && (inner.indexOf('.') < 0 || DOTTED_QUAD_TAIL.matcher(inner).matches());
        if (!wellFormed) {
            throw invalid("malformed IPv6 literal");
        }
        try {
            // in brackets, the JDK parses a literal and never asks a resolver
            InetAddress parsed = InetAddress.getByName(raw);
            InetAddress address = InetAddress.getByAddress(parsed.getAddress());
            return new CanonicalHost(address.getHostAddress(), address);
        } catch (UnknownHostException e) {
            throw invalid("malformed IPv6 literal");
        }
    }

    /** The WHATWG URL rule: a host whose last label is a number is an IPv4 address or nothing. */
    private static boolean endsInNumber(String last) {
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return last.startsWith("0x") && last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static CanonicalHost ipv4(String[] parts) throws EgressRefusedException {
        if (parts.length > 4) {
            throw ambiguous();
        }
        long value = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            long part = number(parts[i]);
            if (part > 255) {
                throw ambiguous();
            }
            value = (value << 8) | part;
        }
        int lastBits = 8 * (5 - parts.length);
        long last = number(parts[parts.length - 1]);
        if (last >= 1L << lastBits) {
            throw ambiguous();
        }
        value = (value << lastBits) | last;
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            return new CanonicalHost(address.getHostAddress(), address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** One inet_aton part: {@code 0x} hex, leading-zero octal, else decimal; ASCII digits only. */
    private static long number(String part) throws EgressRefusedException {
        int radix = 10;
        String digits = part;
        if (part.startsWith("0x")) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            throw ambiguous(); // "0x" alone: browsers read 0, others reject
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = Character.digit(digits.charAt(i), radix);
            if (digit < 0 || digits.charAt(i) > 0x7f) {
                throw ambiguous();
            }
            value = value * radix + digit;
            if (value > 0xFFFF_FFFFL) {
                throw ambiguous();
            }
        }
        return value;
    }

    private static EgressRefusedException ambiguous() {
        return invalid("the host looks numeric but is not an unambiguous IPv4 address");
    }

    private static EgressRefusedException invalid(String message) {
        return new EgressRefusedException(Reason.INVALID_URL, message);
    }
}
