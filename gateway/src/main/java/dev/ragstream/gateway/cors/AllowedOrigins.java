package dev.ragstream.gateway.cors;

import dev.ragstream.platform.tenant.Tenant;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's {@code ALLOWED_ORIGINS}: origins separated by spaces or commas, each matched exactly on
 * scheme, host and port (compared as browsers serialise origins: lower case, default port
 * omitted). Wildcards, paths, {@code null} and anything that is not an http(s) origin are ignored,
 * so no entry can ever allow every origin.
 */
final class AllowedOrigins {

    private final Set<String> origins;

    private AllowedOrigins(Set<String> origins) {
        this.origins = origins;
    }

    static AllowedOrigins of(Tenant tenant) {
        return parse(tenant.get("ALLOWED_ORIGINS").orElse(""));
    }

    static AllowedOrigins parse(String value) {
        Set<String> origins = new HashSet<>();
        for (String entry : value.split("[\\s,]+")) {
            normalise(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry).ifPresent(origins::add);
        }
        return new AllowedOrigins(origins);
    }

    boolean allows(String origin) {
        return origin != null && normalise(origin).map(origins::contains).orElse(false);
    }

    /** {@code scheme://host[:port]} without a default port, or empty for anything that is not exactly an origin. */
    static Optional<String> normalise(String origin) {
        if (origin.isBlank() || origin.length() > 2048) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    }
}
