package dev.ragstream.gateway.cors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.gateway.GatewayApplication;
import dev.ragstream.gateway.abuse.FakeQueryApi;
import dev.ragstream.gateway.abuse.GatewayUnderTest;
import dev.ragstream.gateway.abuse.Http;
import dev.ragstream.gateway.abuse.TestChatDb;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Per-tenant CORS over the real gateway. Each test speaks as client addresses of its own (trusted proxy 127.0.0.1). */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=gateway", "management.server.port=0", "ragstream.platform.tenant-poll-interval=0s"})
class TenantCorsIT {

    static final String ACME = "https://www.acme.example";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final FakeQueryApi queryApi = new FakeQueryApi();
    static final Path tenants = GatewayUnderTest.tenants(Map.of(
            "acme", "ALLOWED_ORIGINS=\"https://www.acme.example, https://shop.acme.example:8443 http://localhost:3000\"\n",
            "wild", "ALLOWED_ORIGINS=*\n",
            "nochat", "ALLOWED_ORIGINS=https://nochat.example\nENDPOINT_CHAT_ENABLED=false\n",
            "open", "ALLOWED_ORIGINS=https://open.example\n"));

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        GatewayUnderTest.register(registry, tenants, db, null, queryApi);
    }

    @BeforeAll
    static void chatdb() throws SQLException {
        TestChatDb.migrate(db);
    }

    @AfterAll
    static void stop() {
        queryApi.close();
    }

    @LocalServerPort
    int port;
    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void anAllowedPreflightEchoesTheExactOriginAndNeverAWildcard() {
        Http.Reply reply = preflight("192.0.2.1", "/chat?tenant=acme", ACME, "content-type, x-api-key, x-evil");

        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo(ACME);
        assertThat(reply.header("Vary")).contains("Origin");
        assertThat(reply.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
        assertThat(reply.header("Access-Control-Allow-Headers")).isEqualTo("content-type, x-api-key");
        assertThat(reply.header("Access-Control-Max-Age")).isEqualTo("600");
        assertThat(reply.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void everyListedOriginIsAllowedAndNothingElse() {
        for (String origin : List.of(ACME, "https://shop.acme.example:8443", "http://localhost:3000")) {
            assertThat(preflight("192.0.2.2", "/chat?tenant=acme", origin, "content-type").status()).as(origin).isEqualTo(204);
        }
        for (String origin : List.of("http://www.acme.example", "https://www.acme.example:8443", "https://shop.acme.example",
                "https://acme.example", "https://www.acme.example.evil.com", "null")) {
            Http.Reply refused = preflight("192.0.2.3", "/chat?tenant=acme", origin, "content-type");
            assertThat(refused.status()).as(origin).isEqualTo(403);
            assertThat(refused.header("Access-Control-Allow-Origin")).as(origin).isNull();
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.body()).contains("\"error\":\"Origin not allowed\"");
        }
    }

    @Test
    void aWildcardSettingAllowsNoOrigin() {
        Http.Reply reply = preflight("192.0.2.4", "/chat?tenant=wild", "https://anything.example", "content-type");

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aPreflightNamingNoTenantIsAnsweredForOriginsThatSomeTenantAllows() {
        assertThat(preflight("192.0.2.5", "/chat", ACME, "content-type").status()).isEqualTo(204);
        assertThat(preflight("192.0.2.5", "/chat", "https://unknown.example", "content-type").status()).isEqualTo(403);
    }

    @Test
    void aPreflightsTenantComesFromTheQueryOrTheTenantHeader() {
        assertThat(preflight("192.0.2.6", "/chat?tenant=open", ACME, "content-type").status()).isEqualTo(403);
        assertThat(http.send("OPTIONS", "/chat", null, "X-Forwarded-For", "192.0.2.6", "Origin", ACME,
                "Access-Control-Request-Method", "POST", "X-Tenant-ID", "open").status()).isEqualTo(403);
        assertThat(http.send("OPTIONS", "/chat", null, "X-Forwarded-For", "192.0.2.6", "Origin", "https://open.example",
                "Access-Control-Request-Method", "POST", "X-Tenant-ID", "open").status()).isEqualTo(204);
        assertThat(preflight("192.0.2.6", "/chat?tenant=nobody", ACME, "content-type").status())
                .as("an unknown tenant allows nothing").isEqualTo(403);
    }

    @Test
    void aPreflightForADisabledEndpointIsNotFound() {
        assertThat(preflight("192.0.2.7", "/chat?tenant=nochat", "https://nochat.example", "content-type").status())
                .isEqualTo(404);
    }

    @Test
    void theWidgetRoutesAllApplyTheTenantsOriginsAndOtherRoutesSendNoCorsHeaders() {
        for (String route : List.of("/customer-chat", "/widget-config", "/upload", "/media-info")) {
            Http.Reply ok = preflight("192.0.2.8", route + "?tenant=acme", ACME, "content-type");
            assertThat(ok.status()).as(route).isEqualTo(204);
            assertThat(ok.header("Access-Control-Allow-Origin")).as(route).isEqualTo(ACME);
            assertThat(preflight("192.0.2.8", route + "?tenant=open", ACME, "content-type").status()).as(route).isEqualTo(403);
        }
        Http.Reply admin = preflight("192.0.2.8", "/admin/stats?tenant=acme", ACME, "x-api-key");
        assertThat(admin.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void anActualRequestGetsTheOriginEchoedOnlyWhenItsTenantAllowsIt() {
        Http.Reply allowed = http.chat("192.0.2.9", chat("open"), "Origin", "https://open.example");
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://open.example");
        assertThat(allowed.header("Vary")).contains("Origin");
        assertThat(allowed.header("Access-Control-Expose-Headers")).contains("X-RateLimit-Remaining", "Retry-After");

        Http.Reply foreign = http.chat("192.0.2.9", chat("open"), "Origin", ACME);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(foreign.header("Vary")).contains("Origin");

        Http.Reply noOrigin = http.chat("192.0.2.9", chat("open"));
        assertThat(noOrigin.header("Access-Control-Allow-Origin")).isNull();
        assertThat(noOrigin.header("Vary")).as("caches must key by Origin").contains("Origin");
    }

    @Test
    void aClientThatKeepsSendingUnrecognisedOriginsIsRateLimited() {
        for (int i = 1; i <= 10; i++) {
            Http.Reply refused = preflight("192.0.2.10", "/chat?tenant=acme", "https://probe" + i + ".example", "content-type");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(10 - i));
        }

        Http.Reply limited = preflight("192.0.2.10", "/chat?tenant=acme", "https://probe11.example", "content-type");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
        assertThat(limited.body()).contains("\"error\":\"Rate limit exceeded\"");
        assertThat(http.chat("192.0.2.10", chat("open"), "Origin", "https://probe12.example").status())
                .as("actual requests too").isEqualTo(429);

        assertThat(preflight("192.0.2.10", "/chat?tenant=acme", ACME, "content-type").status())
                .as("its allowed origin still works").isEqualTo(204);
        assertThat(preflight("192.0.2.11", "/chat?tenant=acme", "https://probe1.example", "content-type").status())
                .as("another client").isEqualTo(403);
    }

    private Http.Reply preflight(String clientIp, String target, String origin, String requestHeaders) {
        return http.send("OPTIONS", target, null, "X-Forwarded-For", clientIp, "Origin", origin,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", requestHeaders);
    }

    private static String chat(String tenant) {
        return "{\"tenant_id\": \"" + tenant + "\", \"session_id\": \"s\", \"message\": \"hi\"}";
    }
}
