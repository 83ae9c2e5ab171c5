package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A URL that passed the strict parse: {@code http} or {@code https} as the policy allows, no user
 * information, a {@link CanonicalHost}, an allowed port, and a request target with every byte
 * outside RFC 3986's allowed set percent-encoded (so nothing can break the request line).
 *
 * @param pathAndQuery the request target, starting with {@code /}; the fragment is dropped
 * @param literal      the address when the host is an IP literal, else null
 */
record EgressUrl(String scheme, String host, int port, String pathAndQuery, InetAddress literal) {

    private static final int MAX_LENGTH = 8192;
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,31}");
    private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final String ALLOWED = "-._~!$&'()*+,;=:@/?";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * @throws EgressRefusedException {@code invalid_url}, {@code scheme_not_allowed} or
     *                                {@code port_not_allowed}
     */
    static EgressUrl parse(String url, EgressPolicy policy) throws EgressRefusedException {
        if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
            throw invalid("the URL is empty or longer than " + MAX_LENGTH + " characters");
        }
        rejectInvisibleCharacters(url);
        int colon = url.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(url.substring(0, colon)).matches()) {
            throw invalid("the URL is not absolute");
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!policy.allowedSchemes().contains(scheme)) {
            throw new EgressRefusedException(Reason.SCHEME_NOT_ALLOWED, "scheme " + scheme + " is not allowed");
        }
        if (!url.startsWith("//", colon + 1)) {
            throw invalid("the URL must start with " + scheme + "://");
        }
        int start = colon + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return fromAuthority(scheme, url.substring(start, end), url.substring(end), policy);
    }

    private static EgressUrl fromAuthority(String scheme, String authority, String rest, EgressPolicy policy)
            throws EgressRefusedException {
        if (authority.indexOf('@') >= 0) {
            throw invalid("user information (user@host) is not allowed");
        }
        int portColon = authority.startsWith("[") ? authority.indexOf(':', Math.max(0, authority.indexOf(']')))
                : authority.indexOf(':');
        String rawHost = portColon < 0 ? authority : authority.substring(0, portColon);
        CanonicalHost host = CanonicalHost.of(rawHost);
        int port = "https".equals(scheme) ? 443 : 80;
        if (portColon >= 0) {
            String rawPort = authority.substring(portColon + 1);
            if (!PORT.matcher(rawPort).matches() || Integer.parseInt(rawPort) == 0 || Integer.parseInt(rawPort) > 65535) {
                throw invalid("the port is not a number from 1 to 65535");
            }
            port = Integer.parseInt(rawPort);
        }
        if (!policy.allowedPorts().contains(port)) {
            throw new EgressRefusedException(Reason.PORT_NOT_ALLOWED, "port " + port + " is not allowed");
        }
        return new EgressUrl(scheme, host.name(), port, requestTarget(rest), host.literal());
    }

    /**
     * The URL a {@code Location} header points to, parsed as strictly as the first URL.
     *
     * @param location the header value, already decoded as UTF-8
     */
    EgressUrl resolve(String location, EgressPolicy policy) throws EgressRefusedException {
        rejectInvisibleCharacters(location);
        if (HAS_SCHEME.matcher(location).matches()) {
            return parse(location, policy);
        }
        if (location.startsWith("//")) {
            return parse(scheme + ":" + location, policy);
        }
        int hash = location.indexOf('#');
        String reference = encode(hash < 0 ? location : location.substring(0, hash));
        if (reference.isEmpty()) {
            return this;
        }
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        String target;
        if (reference.startsWith("/")) {
            target = reference;
        } else if (reference.startsWith("?")) {
            target = path + reference;
        } else {
            target = path.substring(0, path.lastIndexOf('/') + 1) + reference;
        }
        int targetQuery = target.indexOf('?');
        String targetPath = targetQuery < 0 ? target : target.substring(0, targetQuery);
        return new EgressUrl(scheme, host, port, removeDotSegments(targetPath) + target.substring(targetPath.length()), literal);
    }

    boolean isHttps() {
        return "https".equals(scheme);
    }

    /** Host and, unless it is the scheme's default, port: the {@code Host} header. */
    String authority() {
        String bracketed = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == ("https".equals(scheme) ? 443 : 80) ? bracketed : bracketed + ":" + port;
    }

    /** Scheme, host and port: what messages may name (paths and queries may carry tokens). */
    String origin() {
        return scheme + "://" + authority();
    }

    URI toUri() {
        return URI.create(origin() + pathAndQuery);
    }

    private static String requestTarget(String rest) {
        int hash = rest.indexOf('#');
        String target = encode(hash < 0 ? rest : rest.substring(0, hash));
        return target.isEmpty() || target.startsWith("?") ? "/" + target : target;
    }

    /** Percent-encodes UTF-8 bytes outside RFC 3986's path and query characters; keeps valid escapes. */
    private static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean escape = b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
            if (escape || (b < 0x80 && (Character.isLetterOrDigit(b) || ALLOWED.indexOf(b) >= 0))) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isHex(byte b) {
        return Character.digit(b, 16) >= 0;
    }

    /** RFC 3986 section 5.2.4, on a path that starts with a slash. */
    private static String removeDotSegments(String path) {
        String[] segments = path.split("/", -1);
        Deque<String> out = new ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            boolean last = i == segments.length - 1;
            if (segments[i].equals("..")) {
                out.pollLast();
            }
            if (segments[i].equals(".") || segments[i].equals("..")) {
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(segments[i]);
            }
        }
        return "/" + String.join("/", out);
    }

    /** Whitespace, controls, invisible formatting and backslashes have no place in a URL we fetch. */
    private static void rejectInvisibleCharacters(String url) throws EgressRefusedException {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            int type = Character.getType(c);
            if (c <= 0x20 || c == 0x7f || c == '\\' || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || type == Character.CONTROL || type == Character.FORMAT) {
                throw invalid("the URL contains whitespace, control characters or backslashes");
            }
        }
    }

    private static EgressRefusedException invalid(String message) {
        return new EgressRefusedException(Reason.INVALID_URL, message);
    }
}
