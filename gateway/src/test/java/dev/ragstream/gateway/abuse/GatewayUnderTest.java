package dev.ragstream.gateway.abuse;

import dev.ragstream.testsupport.kafka.SharedKafka;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The settings an edge integration test gives the real gateway: tenants, chatdb, Kafka, a fake query API. */
public final class GatewayUnderTest {

    private GatewayUnderTest() {
    }

    /** A new tenants folder holding one {@code <id>/.env} per entry. */
    public static Path tenants(Map<String, String> envFiles) {
        try {
            Path dir = Files.createTempDirectory("ragstream-gateway-it");
            for (Map.Entry<String, String> tenant : envFiles.entrySet()) {
                Files.createDirectories(dir.resolve(tenant.getKey()));
                Files.writeString(dir.resolve(tenant.getKey()).resolve(".env"), tenant.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registers the settings; 127.0.0.1 is the trusted proxy, so a test speaks as any client by sending
     * {@code X-Forwarded-For}, while other loopback addresses (127.0.0.2 …) are untrusted peers.
     * @param db           the test database holding chatdb, or null when {@code blocklistUrl} is given
     * @param blocklistUrl the blocklist's JDBC URL, or null for {@code db}
     */
    public static void register(DynamicPropertyRegistry registry, Path tenants, TestDatabase db, String blocklistUrl,
                                FakeQueryApi queryApi) {
        registry.add("spring.kafka.bootstrap-servers", () -> SharedKafka.broker().bootstrapServers());
        registry.add("ragstream.platform.tenants-dir", tenants::toString);
        registry.add("ragstream.platform.staging-dir", () -> tenants.resolve("staging").toString());
        registry.add("ragstream.platform.internal-secret", () -> "edge-test-internal-secret-0123456789");
        registry.add("ragstream.gateway.query-api", queryApi::url);
        registry.add("ragstream.gateway.trusted-proxies", () -> "127.0.0.1/32");
        registry.add("ragstream.gateway.blocklist.jdbc-url", () -> blocklistUrl != null ? blocklistUrl : db.jdbcUrl());
        registry.add("ragstream.gateway.blocklist.user", () -> db == null ? "chatuser" : db.user());
        registry.add("ragstream.gateway.blocklist.password", TestChatDb::password);
        registry.add("ragstream.gateway.blocklist.check-cache", () -> "0s");
    }
}
