package dev.ragstream.admin.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --gateway} option alone, for commands through the gateway that do not wait for indexing ({@code dlt}). */
final class GatewayUrl {

    @Option(names = "--gateway", paramLabel = "<url>", defaultValue = "${env:RAGSTREAM_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "Gateway base URL (default: $RAGSTREAM_GATEWAY_URL or http://127.0.0.1:8080).")
    String gateway;

    URI uri() {
        return parse(gateway);
    }

    /**
     * {@code gateway} as a base URL without a trailing slash.
     * @throws IllegalArgumentException unless it is an http(s) URL with a host and no query or fragment
     */
    static URI parse(String gateway) {
        String base = gateway.strip().replaceAll("/+$", "");
        try {
            URI uri = URI.create(base);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("--gateway must be an http(s) URL such as http://127.0.0.1:8080, was " + base);
    }
}
