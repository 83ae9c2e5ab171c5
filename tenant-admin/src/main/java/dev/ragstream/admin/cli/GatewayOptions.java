package dev.ragstream.admin.cli;

import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the commands that work through the gateway ({@code import}, {@code reindex}). */
final class GatewayOptions {

    @Option(names = "--gateway", paramLabel = "<url>", defaultValue = "${env:RAGSTREAM_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "Gateway base URL (default: $RAGSTREAM_GATEWAY_URL or http://127.0.0.1:8080).")
    String gateway;

    @Option(names = "--wait", description = "Then wait until every document is indexed or failed.")
    boolean wait;

    @Option(names = "--wait-timeout", paramLabel = "<duration>", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long --wait waits at most (default: 30m).")
    Duration waitTimeout;

    /** The gateway as a base URL without a trailing slash. @throws IllegalArgumentException as {@link GatewayUrl#parse} */
    URI gatewayUri() {
        return GatewayUrl.parse(gateway);
    }
}
