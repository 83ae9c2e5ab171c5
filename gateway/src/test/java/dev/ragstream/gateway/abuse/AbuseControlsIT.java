package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.gateway.GatewayApplication;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The abuse controls over the real gateway: client IPs, the chatdb blocklist, rate limits and the
 * message-length check. The test client is the trusted proxy (127.0.0.1) and names the client in
 * {@code X-Forwarded-For}; each test uses client addresses of its own.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=gateway", "management.server.port=0", "ragstream.platform.tenant-poll-interval=0s"})
@ExtendWith(OutputCaptureExtension.class)
class AbuseControlsIT {

    static final String ACME_CHAT_KEY = "rsk_acme-chat-key-0123456789";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final FakeQueryApi queryApi = new FakeQueryApi();
    static final Path tenants = GatewayUnderTest.tenants(Map.of(
            "acme", "CHAT_API_KEY=" + ACME_CHAT_KEY + "\nUPLOAD_API_KEY=rsk_acme-upload\n",
            "open", "TENANT_NAME=Open\n",
            "tight", "RATE_LIMIT_CHAT_PER_MINUTE=3\nRATE_LIMIT_UPLOAD_PER_MINUTE=2\nENDPOINT_UPLOAD_ENABLED=false\n",
            "sloppy", "RATE_LIMIT_CHAT_PER_MINUTE=lots\n",
            "busy", "RATE_LIMIT_CHAT_PER_MINUTE=1\nRATE_LIMIT_TENANT_PER_MINUTE=3\n",
            "noupload", "ENDPOINT_UPLOAD_ENABLED=false\n",
            "short", "MAX_MESSAGE_LENGTH=20\n"));

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
    @Autowired
    ScheduledTaskHolder scheduler;
    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    // --- rate limits -------------------------------------------------------------------------

    @Test
    void chatIsLimitedTo30PerMinutePerSessionAndClientWithTheSeedsHeadersAndBody() {
        long now = Instant.now().getEpochSecond();
        for (int i = 1; i <= 30; i++) {
            Http.Reply ok = http.chat("192.0.2.1", chat("open", "s1", "hi"));
            assertThat(ok.status()).as("request %d", i).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("30");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(30 - i));
            assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isBetween(now + 58, now + 62);
        }
        int proxied = queryApi.bodies().size();

        Http.Reply limited = http.chat("192.0.2.1", chat("open", "s1", "hi"));

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(55, 60);
        JsonNode body = json(limited);
        assertThat(body.get("error").asString()).isEqualTo("Rate limit exceeded");
        assertThat(body.get("retry_after").asInt()).isEqualTo(retryAfter);
        assertThat(body.get("status").asInt()).isEqualTo(429);
        assertThat(body.get("type").asString()).endsWith("/rate-limit-exceeded");
        assertThat(body.get("title").asString()).isEqualTo("Too Many Requests");
        assertThat(queryApi.bodies()).as("not proxied").hasSize(proxied);

        assertThat(http.chat("192.0.2.1", chat("open", "s2", "hi")).status()).as("another session").isEqualTo(200);
        assertThat(http.chat("192.0.2.2", chat("open", "s1", "hi")).status()).as("another client").isEqualTo(200);
    }

    @Test
    void aTenantOverridesItsLimitsInItsEnvFile() {
        for (int i = 0; i < 3; i++) {
            assertThat(http.chat("192.0.2.10", chat("tight", "s", "hi")).status()).isEqualTo(200);
        }
        assertThat(http.chat("192.0.2.10", chat("tight", "s", "hi")).status()).isEqualTo(429);

        for (int i = 0; i < 2; i++) {
            assertThat(upload("192.0.2.10", "tight").header("X-RateLimit-Limit")).isEqualTo("2");
        }
        assertThat(upload("192.0.2.10", "tight").status()).isEqualTo(429);

        Http.Reply sloppy = http.chat("192.0.2.10", chat("sloppy", "s", "hi"));
        assertThat(sloppy.header("X-RateLimit-Limit")).as("an invalid override keeps the seed default").isEqualTo("30");
    }

    @Test
    void theTenantTotalCountsEveryClientButNotRequestsTheRouteLimitRefused() {
        assertThat(http.chat("192.0.2.20", chat("busy", "a", "hi")).status()).isEqualTo(200);
        assertThat(http.chat("192.0.2.20", chat("busy", "a", "hi")).status()).as("session limit 1").isEqualTo(429);
        assertThat(http.chat("192.0.2.21", chat("busy", "b", "hi")).status()).isEqualTo(200);
        Http.Reply third = http.chat("192.0.2.22", chat("busy", "c", "hi"));
        assertThat(third.status()).as("the refused request did not count").isEqualTo(200);
        assertThat(third.header("X-RateLimit-Limit")).as("the tighter limit is shown").isEqualTo("1");

        Http.Reply fourth = http.chat("192.0.2.23", chat("busy", "d", "hi"));
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.header("X-RateLimit-Limit")).isEqualTo("3");
    }

    @Test
    void uploadsAreLimitedTo10PerMinutePerClientAndOtherUploadRoutesAreNot() {
        for (int i = 1; i <= 10; i++) {
            Http.Reply reply = upload("192.0.2.30", "noupload");
            assertThat(reply.status()).as("upload %d reaches the controller", i).isEqualTo(404);
            assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo(String.valueOf(10 - i));
        }
        Http.Reply limited = upload("192.0.2.30", "noupload");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(json(limited).get("error").asString()).isEqualTo("Rate limit exceeded");

        Http.Reply status = http.send("GET", "/upload/status/x?tenant=noupload", null, "X-Forwarded-For", "192.0.2.30");
        assertThat(status.status()).isNotEqualTo(429);
        assertThat(status.header("X-RateLimit-Limit")).isNull();
        assertThat(upload("192.0.2.31", "noupload").status()).as("another client").isEqualTo(404);
    }

    @Test
    void debugLogAuthenticationIsLimitedTo5PerMinutePerClient() {
        for (int i = 0; i < 5; i++) {
            Http.Reply reply = http.send("GET", "/api-debug/logs?tenant=open", null, "X-Forwarded-For", "192.0.2.40",
                    "Authorization", "Basic Z3Vlc3M6Z3Vlc3M=");
            assertThat(reply.status()).isNotEqualTo(429);
            assertThat(reply.header("X-RateLimit-Limit")).isEqualTo("5");
        }
        assertThat(http.send("GET", "/api-debug/logs?tenant=open", null, "X-Forwarded-For", "192.0.2.40").status())
                .isEqualTo(429);
    }

    // --- client IP ---------------------------------------------------------------------------

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerDoesNotEscapeTheLimit() {
        for (int i = 0; i < 10; i++) {
            Http.Reply reply = http.raw("127.0.0.3", "POST", "/upload?tenant=noupload", null, "X-Forwarded-For", "198.51.100." + i);
            assertThat(reply.status()).isEqualTo(404);
        }

        assertThat(http.raw("127.0.0.3", "POST", "/upload?tenant=noupload", null, "X-Forwarded-For", "198.51.100.99").status())
                .as("counted as 127.0.0.3 whatever it claims").isEqualTo(429);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerGetsOnlyThatPeerBlocked() throws SQLException {
        for (int i = 0; i < 10; i++) {
            assertThat(http.raw("127.0.0.2", "POST", "/chat", chat("nope-" + i, "s", "hi"),
                    "Content-Type", "application/json", "X-Forwarded-For", "203.0.113.99").status()).isEqualTo(404);
        }

        assertThat(http.raw("127.0.0.2", "POST", "/chat", chat("nope", "s", "hi"), "Content-Type", "application/json",
                "X-Forwarded-For", "203.0.113.99").status()).isEqualTo(403);
        assertThat(networks()).as("failures counted").contains("127.0.0.2/32").doesNotContain("203.0.113.99/32");
        assertThat(http.chat("203.0.113.99", chat("open", "s", "hi")).status())
                .as("the address it named is not blocked").isEqualTo(200);
    }

    @Test
    void behindTheTrustedProxyTheRightMostUntrustedHopIsTheClient() {
        for (int i = 0; i < 3; i++) {
            http.chat("10.9.9.9, 192.0.2.50, 127.0.0.1", chat("tight", "s", "hi"));
        }

        assertThat(http.chat("192.0.2.50", chat("tight", "s", "hi")).status()).isEqualTo(429);
        assertThat(http.chat("10.9.9.9", chat("tight", "s", "hi")).status()).as("the client-written hop").isEqualTo(200);
    }

    // --- blocklist ---------------------------------------------------------------------------

    @Test
    void tenFailedTenantResolutionsBlockTheClientFor15MinutesUnlessItPresentsAValidKey() {
        for (int i = 1; i <= 10; i++) {
            assertThat(http.chat("203.0.113.10", chat("unknown-" + i, "s", "hi")).status()).as("failure %d", i).isEqualTo(404);
        }

        Http.Reply blocked = http.chat("203.0.113.10", chat("open", "s", "hi"));
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(Integer.parseInt(blocked.header("Retry-After"))).isBetween(890, 900);
        assertThat(blocked.header("Content-Type")).startsWith("application/problem+json");
        assertThat(json(blocked).get("error").asString()).isEqualTo("Too many failed attempts; try again later");
        assertThat(json(blocked).get("type").asString()).endsWith("/client-blocked");
        assertThat(http.send("GET", "/widget-config?tenant=open", null, "X-Forwarded-For", "203.0.113.10").status())
                .as("every route").isEqualTo(403);

        assertThat(http.chat("203.0.113.10", chat("acme", "s", "hi"), "X-API-Key", ACME_CHAT_KEY).status())
                .as("a valid key of the named tenant passes").isEqualTo(200);
        assertThat(http.chat("203.0.113.10", chat("acme", "s", "hi"), "X-API-Key", "rsk_wrong").status()).isEqualTo(403);
        assertThat(http.chat("203.0.113.11", chat("open", "s", "hi")).status()).as("another client").isEqualTo(200);
    }

    @Test
    void missingTenantsAndRefusedKeysCountToo() {
        for (int i = 0; i < 4; i++) {
            assertThat(http.chat("203.0.113.20", "{\"session_id\": \"s\", \"message\": \"hi\"}").status()).isEqualTo(400);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(http.chat("203.0.113.20", chat("acme", "s", "hi"), "X-API-Key", "rsk_guess-" + i).status())
                    .isEqualTo(401);
        }
        assertThat(http.chat("203.0.113.20", chat("acme", "s", "hi")).status()).as("missing key").isEqualTo(401);

        assertThat(http.chat("203.0.113.20", chat("open", "s", "hi")).status()).isEqualTo(403);
    }

    @Test
    void ipv6ClientsAreBlockedPerSlash64() {
        for (int i = 0; i < 10; i++) {
            http.chat("2001:db8:aa:1::" + Integer.toHexString(i + 1), chat("unknown", "s", "hi"));
        }

        assertThat(http.chat("2001:db8:aa:1:ffff:ffff:ffff:ffff", chat("open", "s", "hi")).status()).isEqualTo(403);
        assertThat(http.chat("2001:db8:aa:2::1", chat("open", "s", "hi")).status()).isEqualTo(200);
    }

    @Test
    void aBlockSetByAnotherReplicaApplies() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO ip_blocklist (network, failures, blocked_until)"
                    + " VALUES ('203.0.113.30/32', 10, now() + interval '5 minutes')");
        }

        Http.Reply reply = http.chat("203.0.113.30", chat("open", "s", "hi"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(Integer.parseInt(reply.header("Retry-After"))).isBetween(290, 300);
    }

    @Test
    void whileTheStoreIsDownKeylessRequestsGet503AndNothingIsCounted() throws SQLException {
        sql("ALTER TABLE ip_blocklist RENAME TO ip_blocklist_away");
        try {
            for (int i = 0; i < 12; i++) {
                Http.Reply down = http.chat("203.0.113.40", chat("unknown-" + i, "s", "hi"));
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.header("Retry-After")).isEqualTo("5");
                assertThat(json(down).get("error").asString()).isNotBlank();
            }
            assertThat(http.chat("203.0.113.40", chat("acme", "s", "hi"), "X-API-Key", ACME_CHAT_KEY).status())
                    .as("a valid key does not need the store").isEqualTo(200);
        } finally {
            sql("ALTER TABLE ip_blocklist_away RENAME TO ip_blocklist");
        }

        assertThat(networks()).as("nothing counted during the outage").doesNotContain("203.0.113.40/32");
        assertThat(http.chat("203.0.113.40", chat("unknown", "s", "hi")).status()).as("not blocked").isEqualTo(404);
    }

    // --- request size ------------------------------------------------------------------------

    @Test
    void aMessageOverTheTenantsMaximumIsRefusedBeforeProxying() {
        int proxied = queryApi.bodies().size();
        Http.Reply tooLong = http.chat("192.0.2.60", chat("short", "s", "x".repeat(21)));

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(json(tooLong).get("error").asString()).isEqualTo("Message exceeds the maximum length of 20 characters");
        assertThat(queryApi.bodies()).hasSize(proxied);

        String emoji = "😀".repeat(20);
        assertThat(http.chat("192.0.2.60", chat("short", "s", emoji)).status()).as("20 characters").isEqualTo(200);
        assertThat(json(queryApi.bodies().get(queryApi.bodies().size() - 1)).get("message").asString())
                .as("the controller got the body unchanged").isEqualTo(emoji);
    }

    @Test
    void theDefaultMaximumIs10000Characters() {
        assertThat(http.chat("192.0.2.61", chat("open", "s", "m".repeat(10_001))).status()).isEqualTo(400);
        assertThat(http.chat("192.0.2.61", chat("open", "s", "m".repeat(10_000))).status()).isEqualTo(200);
    }

    @Test
    void aChatBodyLargerThanTheEdgeReadsIsRefused() {
        Http.Reply reply = http.chat("192.0.2.62", chat("open", "s", "hi").replace("}", ", \"pad\": \"" + "p".repeat(1_100_000) + "\"}"));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(json(reply).get("error").asString()).startsWith("Request body exceeds");
    }

    @Test
    void theEdgesErrorBodiesHaveTheSameFieldsAsTheControllers() {
        Http.Reply fromController = http.chat("192.0.2.63", chat("unknown-tenant", "s", "hi"));
        Http.Reply fromEdge = http.chat("192.0.2.63", chat("short", "s", "x".repeat(21)));

        assertThat(fromController.status()).isEqualTo(404);
        assertThat(fromEdge.status()).isEqualTo(400);
        assertThat(fieldNames(json(fromEdge))).isEqualTo(fieldNames(json(fromController)))
                .contains("type", "title", "status", "detail", "error");
        assertThat(json(fromEdge).get("title").asString()).isEqualTo("Bad Request");
        assertThat(json(fromEdge).get("instance").asString()).isEqualTo(json(fromController).get("instance").asString())
                .isEqualTo("/chat");
    }

    @Test
    void neitherKeysNorBodiesReachTheLogWhateverTheEdgeRefuses(CapturedOutput output) {
        String key = "rsk_CANARY-KEY-7f3a";
        String message = "CANARY-MESSAGE-91b2";
        String session = "CANARY-SESSION-4c5d";
        for (int i = 0; i < 11; i++) {
            http.chat("203.0.113.60", chat("acme", session, message), "X-API-Key", key);
        }
        http.chat("192.0.2.64", chat("short", session, message + "x".repeat(30)), "X-API-Key", key);
        for (int i = 0; i < 4; i++) {
            http.chat("192.0.2.64", chat("tight", session, message), "X-API-Key", key);
        }

        assertThat(output.getAll()).as("the refusals were logged at all").contains("203.0.113.60/32 blocked")
                .doesNotContain(key).doesNotContain(message).doesNotContain(session);
    }

    @Test
    void idleCountsAndExpiredBlocklistRowsAreCleanedUpOnASchedule() {
        assertThat(scheduler.getScheduledTasks()).extracting(task -> task.getTask().getRunnable().toString())
                .anySatisfy(task -> assertThat(task).endsWith("RateLimiting.sweep"))
                .anySatisfy(task -> assertThat(task).endsWith("PostgresBlocklist.purge"));
    }

    // -----------------------------------------------------------------------------------------

    private static java.util.Set<String> fieldNames(JsonNode node) {
        return new java.util.TreeSet<>(node.propertyNames());
    }

    private Http.Reply upload(String clientIp, String tenant) {
        return http.send("POST", "/upload?tenant=" + tenant, null, "X-Forwarded-For", clientIp);
    }

    static String chat(String tenant, String session, String message) {
        return JsonMapper.shared().writeValueAsString(Map.of("tenant_id", tenant, "session_id", session, "message", message));
    }

    static JsonNode json(Http.Reply reply) {
        return json(reply.body());
    }

    static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private static List<String> networks() throws SQLException {
        List<String> networks = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT network::text FROM ip_blocklist");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                networks.add(rs.getString(1));
            }
        }
        return networks;
    }
}
