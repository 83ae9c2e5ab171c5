package dev.ragstream.platform.egress;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What an outbound fetch may do. Bindable as a nested configuration record (the defaults below
 * apply); invalid values are refused with {@link IllegalArgumentException} at construction.
 *
 * @param allowedSchemes      {@code http} and/or {@code https}; nothing else can be allowed
 * @param allowedPorts        ports a URL, and every redirect, may name
 * @param maxRedirects        redirects followed before {@code too_many_redirects} (0 to 20)
 * @param deadline            one budget for the whole fetch: resolution, connects, TLS, every
 *                            redirect and reading the body
 * @param maxBodySize         body bytes a response may carry before {@code too_large}
 * @param allowedPrivateHosts host names (or IP literals) an operator lets reach loopback, private,
 *                            carrier-grade NAT and benchmarking addresses; matched exactly,
 *                            case-insensitively. Link-local, cloud-metadata, unspecified,
 *                            multicast and reserved addresses stay blocked even for these.
 * @param userAgent           the {@code User-Agent} sent, printable ASCII
 */
public record EgressPolicy(@DefaultValue({"http", "https"}) Set<String> allowedSchemes,
                           @DefaultValue({"80", "443"}) Set<Integer> allowedPorts,
                           @DefaultValue("5") int maxRedirects,
                           @DefaultValue("30s") Duration deadline,
                           @DefaultValue("100MB") DataSize maxBodySize,
                           @DefaultValue Set<String> allowedPrivateHosts,
                           @DefaultValue("ragstream-fetcher/1.0") String userAgent) {

    private static final Set<String> WEB_SCHEMES = Set.of("http", "https");

    public EgressPolicy {
        allowedSchemes = lowerCase(allowedSchemes);
        require(!allowedSchemes.isEmpty() && WEB_SCHEMES.containsAll(allowedSchemes), "allowedSchemes must be http and/or https");
        allowedPorts = Set.copyOf(allowedPorts == null ? Set.of() : allowedPorts);
        require(!allowedPorts.isEmpty() && allowedPorts.stream().allMatch(p -> p > 0 && p < 65536), "allowedPorts must be 1-65535");
        require(maxRedirects >= 0 && maxRedirects <= 20, "maxRedirects must be 0-20");
        require(deadline != null && deadline.toMillis() > 0, "deadline must be positive");
        require(maxBodySize != null && maxBodySize.toBytes() > 0, "maxBodySize must be positive");
        allowedPrivateHosts = allowedPrivateHosts == null ? Set.of()
                : allowedPrivateHosts.stream().map(EgressPolicy::canonicalHost).collect(Collectors.toUnmodifiableSet());
        require(userAgent != null && userAgent.matches("[\\x20-\\x7e]{1,200}"), "userAgent must be printable ASCII");
    }

    /** http and https on ports 80 and 443, 5 redirects, 30 s, 100 MB, no private hosts. */
    public static EgressPolicy defaults() {
        return new EgressPolicy(WEB_SCHEMES, Set.of(80, 443), 5, Duration.ofSeconds(30), DataSize.ofMegabytes(100),
                Set.of(), "ragstream-fetcher/1.0");
    }

    public EgressPolicy withAllowedSchemes(String... schemes) {
        return new EgressPolicy(Set.of(schemes), allowedPorts, maxRedirects, deadline, maxBodySize, allowedPrivateHosts, userAgent);
    }

    public EgressPolicy withAllowedPorts(Integer... ports) {
        return new EgressPolicy(allowedSchemes, Set.of(ports), maxRedirects, deadline, maxBodySize, allowedPrivateHosts, userAgent);
    }

    public EgressPolicy withMaxRedirects(int redirects) {
        return new EgressPolicy(allowedSchemes, allowedPorts, redirects, deadline, maxBodySize, allowedPrivateHosts, userAgent);
    }

    public EgressPolicy withDeadline(Duration budget) {
        return new EgressPolicy(allowedSchemes, allowedPorts, maxRedirects, budget, maxBodySize, allowedPrivateHosts, userAgent);
    }

    public EgressPolicy withMaxBodySize(DataSize size) {
        return new EgressPolicy(allowedSchemes, allowedPorts, maxRedirects, deadline, size, allowedPrivateHosts, userAgent);
    }

    public EgressPolicy withAllowedPrivateHosts(String... hosts) {
        return new EgressPolicy(allowedSchemes, allowedPorts, maxRedirects, deadline, maxBodySize, Set.of(hosts), userAgent);
    }

    /** Whether {@code host} (canonical, as {@link EgressUrl#host()}) may reach allow-listable private addresses. */
    boolean allowsPrivateAddressesFor(String host) {
        return allowedPrivateHosts.contains(host);
    }

    private static String canonicalHost(String host) {
        try {
            String raw = host.strip();
            return CanonicalHost.of(raw.indexOf(':') >= 0 && !raw.startsWith("[") ? "[" + raw + "]" : raw).name();
        } catch (EgressRefusedException e) {
            throw new IllegalArgumentException("allowedPrivateHosts: " + e.getMessage(), e);
        }
    }

    private static Set<String> lowerCase(Set<String> schemes) {
        return schemes == null ? Set.of() : schemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
