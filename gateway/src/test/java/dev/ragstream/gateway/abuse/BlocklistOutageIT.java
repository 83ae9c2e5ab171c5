package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.gateway.GatewayApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A gateway whose blocklist store cannot be reached at all: it starts, serves valid keys, answers 503 to the rest. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=gateway", "management.server.port=0", "ragstream.platform.tenant-poll-interval=0s"})
class BlocklistOutageIT {

    static final FakeQueryApi queryApi = new FakeQueryApi();
    static final Path tenants = GatewayUnderTest.tenants(Map.of("acme", "CHAT_API_KEY=rsk_acme-chat\n"));

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        GatewayUnderTest.register(registry, tenants, null, "jdbc:postgresql://127.0.0.1:1/chatdb", queryApi);
    }

    @AfterAll
    static void stop() {
        queryApi.close();
    }

    @LocalServerPort
    int port;

    @Test
    void requestsWithoutAValidKeyGet503WithRetryAfterAndValidKeysAreServed() {
        Http http = new Http(port);
        Instant start = Instant.now();

        Http.Reply down = http.chat("192.0.2.1", "{\"tenant_id\": \"acme\", \"session_id\": \"s\", \"message\": \"hi\"}");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.header("Retry-After")).isEqualTo("5");
        assertThat(down.header("Content-Type")).startsWith("application/problem+json");
        assertThat(down.body()).contains("\"error\":\"The service is temporarily unavailable; please retry\"")
                .contains("\"retry_after\":5");
        assertThat(Duration.between(start, Instant.now())).as("fails fast").isLessThan(Duration.ofSeconds(5));

        assertThat(http.chat("192.0.2.1", "{\"tenant_id\": \"acme\", \"session_id\": \"s\", \"message\": \"hi\"}",
                "X-API-Key", "rsk_acme-chat").status()).isEqualTo(200);
        assertThat(http.send("GET", "/nowhere", null).status()).as("unmapped paths too").isEqualTo(503);
    }
}
