package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.fixtures.Fixtures;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin API through the gateway, on real tenant databases and a real chatdb; and the
 * isolation sweep: tenant B's admin credentials with tenant A's object ids get exactly the answer
 * of an id that does not exist, and change nothing.
 */
class AdminApiIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created a;
    static TestTenants.Created b;
    static Standalone system;
    static GatewayClient gateway;
    static String documentOfA;
    static String widgetOfA = "support";
    static String promptOfA;
    static String sessionOfA = "session-of-a";

    @BeforeAll
    static void twoTenantsWithDataOfEveryKind() throws Exception {
        tenants = new TestTenants(home.resolve("tenants"));
        a = tenants.create("adm-a");
        b = tenants.create("adm-b");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());

        documentOfA = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, a, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        assertThat(gateway.chat(a.id(), a.chatKey(), sessionOfA, "How many vacation days do employees get?").status()).isEqualTo(200);
        assertThat(adminA("PUT", "/admin/widgets/" + widgetOfA, "{\"greeting\": \"Hello from A\", \"lead_form\": true}").status())
                .isEqualTo(200);
        GatewayClient.Reply prompt = adminA("POST", "/admin/prompts", "{\"name\": \"default\", \"template\": \"Answer politely.\", \"active\": true}");
        assertThat(prompt.status()).isEqualTo(201);
        promptOfA = prompt.body().path("prompt_id").asString();
        try (Connection c = DriverManager.getConnection(TestDatabase.adminJdbcUrl().replace("/postgres", "/" + tenants.chatDb()), "postgres", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO inquiries (tenant_id, widget_key, name, email, message) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, a.id());
            ps.setString(2, widgetOfA);
            ps.setString(3, "Dana");
            ps.setString(4, "dana@example.com");
            ps.setString(5, "Please call me back.");
            ps.executeUpdate();
        }
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    static GatewayClient.Reply adminA(String method, String path, String body) {
        return gateway.admin(method, path, a.id(), a.adminKey(), body);
    }

    static GatewayClient.Reply adminB(String method, String path, String body) {
        return gateway.admin(method, path, b.id(), b.adminKey(), body);
    }

    @Test
    void documentsAreListedPagedFilteredAndShown() {
        GatewayClient.Reply list = adminA("GET", "/admin/documents?status=indexed&size=1", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("total").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(list.body().path("items").size()).isEqualTo(1);
        assertThat(list.body().path("size").asInt()).isEqualTo(1);

        GatewayClient.Reply one = adminA("GET", "/admin/documents/" + documentOfA, null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("filename")).isEqualTo("handbook.md");
        assertThat(one.body().path("chunk_count").asInt()).isPositive();

        assertThat(adminA("GET", "/admin/documents?status=bogus", null).status()).isEqualTo(400);
        assertThat(adminA("GET", "/admin/documents?size=1000", null).status()).isEqualTo(400);
    }

    @Test
    void reindexMakesANewVersionWhileTheOldOneKeepsAnsweringAndDeleteTakesItOutOfSearch() {
        String id = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, a, "faq.txt", Fixtures.bytes(Fixtures.FAQ));
        GatewayClient.Reply reindex = adminA("POST", "/admin/documents/" + id + "/reindex", null);
        assertThat(reindex.status()).isEqualTo(202);
        assertThat(reindex.body().path("version").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode doc = adminA("GET", "/admin/documents/" + id, null).body();
            assertThat(doc.path("status").asString()).isEqualTo("indexed");
            assertThat(doc.path("active_version").asInt()).isEqualTo(2);
        });
        assertThat(sourcesOfA("How long is the warranty?")).contains("faq.txt");

        assertThat(adminA("DELETE", "/admin/documents/" + id, null).status()).isEqualTo(204);
        assertThat(adminA("GET", "/admin/documents/" + id, null).status()).isEqualTo(404);
        assertThat(sourcesOfA("How long is the warranty?")).doesNotContain("faq.txt");
    }

    @Test
    void sessionsShowTheirMessagesWithSources() {
        GatewayClient.Reply list = adminA("GET", "/admin/sessions", null);
        assertThat(list.body().path("items").findValuesAsString("session_id")).contains(sessionOfA);

        GatewayClient.Reply session = adminA("GET", "/admin/sessions/" + sessionOfA, null);
        assertThat(session.status()).isEqualTo(200);
        JsonNode messages = session.body().path("messages");
        assertThat(messages.findValuesAsString("role")).startsWith("user", "assistant");
        assertThat(messages.get(1).path("sources").get(0).path("filename").asString()).isEqualTo("handbook.md");
    }

    @Test
    void widgetsPromptsInquiriesAndStats() {
        assertThat(adminA("GET", "/admin/widgets/" + widgetOfA, null).body().path("settings").path("greeting").asString())
                .isEqualTo("Hello from A");
        assertThat(adminA("PUT", "/admin/widgets/Bad%20Key", "{}").status()).isIn(400, 404);
        assertThat(adminA("PUT", "/admin/widgets/x", "[1,2]").status()).isEqualTo(400);

        GatewayClient.Reply second = adminA("POST", "/admin/prompts", "{\"name\": \"formal\", \"template\": \"Be formal.\", \"active\": true}");
        assertThat(second.status()).isEqualTo(201);
        List<String> active = adminA("GET", "/admin/prompts", null).body().path("items").valueStream()
                .filter(p -> p.path("active").asBoolean()).map(p -> p.path("name").asString()).toList();
        assertThat(active).containsExactly("formal");
        assertThat(adminA("POST", "/admin/prompts", "{\"name\": \"formal\", \"template\": \"again\"}").status()).isEqualTo(409);
        assertThat(adminA("POST", "/admin/prompts", "{\"template\": \"no name\"}").status()).isEqualTo(400);
        String secondId = second.body().path("prompt_id").asString();
        GatewayClient.Reply edited = adminA("PUT", "/admin/prompts/" + secondId, "{\"template\": \"Be formal and brief.\"}");
        assertThat(edited.status()).isEqualTo(200);
        assertThat(edited.text("template")).isEqualTo("Be formal and brief.");
        assertThat(edited.text("name")).isEqualTo("formal");
        assertThat(adminA("DELETE", "/admin/prompts/" + secondId, null).status()).isEqualTo(204);

        GatewayClient.Reply inquiries = adminA("GET", "/admin/inquiries", null);
        assertThat(inquiries.body().path("items").findValuesAsString("email")).containsExactly("dana@example.com");
        assertThat(adminB("GET", "/admin/inquiries", null).body().path("items").size()).isZero();

        JsonNode stats = adminA("GET", "/admin/stats", null).body();
        assertThat(stats.path("documents").path("indexed").asInt()).isPositive();
        assertThat(stats.path("chunks").asInt()).isPositive();
        assertThat(stats.path("sessions").asInt()).isPositive();
        assertThat(stats.path("database_bytes").asLong()).isPositive();
    }

    @Test
    void adminNeedsTheTenantsOwnAdminKey() {
        assertThat(gateway.admin("GET", "/admin/stats", a.id(), null, null).status()).isEqualTo(401);
        assertThat(gateway.admin("GET", "/admin/stats", a.id(), b.adminKey(), null).status()).isEqualTo(401);
        assertThat(gateway.admin("GET", "/admin/stats", a.id(), a.chatKey(), null).status()).isEqualTo(401);
        assertThat(gateway.admin("GET", "/admin/stats", null, a.adminKey(), null).status()).isEqualTo(400);
        GatewayClient.Reply direct = new GatewayClient("http://127.0.0.1:" + system.port(Standalone.Service.TENANT_ADMIN))
                .admin("GET", "/admin/stats", a.id(), a.adminKey(), null);
        assertThat(direct.status()).as("tenant-admin without the internal secret").isEqualTo(403);
    }

    @Test
    void theDashboardNeedsTheTenantsOwnBasicCredentialsAndEscapesWhatItShows() throws Exception {
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, a, "Tom & Jerry's <notes>.md",
                "# Notes\n\nTom and Jerry keep notes about the cheese in the pantry.\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String userA = a.env().get("ADMIN_USERNAME");
        String passwordA = a.env().get("ADMIN_PASSWORD");
        java.net.http.HttpResponse<String> none = dashboard(a.id(), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
        assertThat(dashboard(a.id(), userA + ":" + b.env().get("ADMIN_PASSWORD")).statusCode()).isEqualTo(401);
        assertThat(dashboard(a.id(), b.env().get("ADMIN_USERNAME") + ":" + b.env().get("ADMIN_PASSWORD")).statusCode())
                .as("tenant B's login for tenant A").isEqualTo(401);
        assertThat(dashboard(null, userA + ":" + passwordA).statusCode()).isEqualTo(400);

        java.net.http.HttpResponse<String> page = dashboard(a.id(), userA + ":" + passwordA);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).contains("Tenant adm-a", "handbook.md", "Tom &amp; Jerry&#39;s _notes_.md", "Documents indexed")
                .doesNotContain("Jerry's", "<script");
        assertThat(dashboard(b.id(), b.env().get("ADMIN_USERNAME") + ":" + b.env().get("ADMIN_PASSWORD")).body())
                .contains("Tenant adm-b", "No documents yet.").doesNotContain("handbook.md");
    }

    private static java.net.http.HttpResponse<String> dashboard(String tenant, String basic) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                system.gatewayUrl() + "/admin-dashboard" + (tenant == null ? "" : "?tenant=" + tenant)));
        if (basic != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiIsDescribedWithOpenApi() {
        JsonNode docs = gateway.get("/v3/api-docs").body();
        assertThat(docs.path("openapi").asString()).startsWith("3.");
        assertThat(docs.path("paths").propertyNames()).contains("/admin/documents", "/admin/documents/{id}/reindex",
                "/admin/sessions/{id}", "/admin/widgets/{key}", "/admin/prompts", "/admin/inquiries", "/admin/stats");
    }

    /** Every endpoint that takes an object id, with tenant A's ids and tenant B's credentials. */
    @Test
    void anotherTenantsIdsAreIndistinguishableFromIdsThatDoNotExistAndChangeNothing() {
        String missingDocument = "00000000-0000-0000-0000-000000000001";
        List<String[]> probes = List.of(
                new String[] {"GET", "/admin/documents/" + documentOfA, "/admin/documents/" + missingDocument, null},
                new String[] {"DELETE", "/admin/documents/" + documentOfA, "/admin/documents/" + missingDocument, null},
                new String[] {"POST", "/admin/documents/" + documentOfA + "/reindex", "/admin/documents/" + missingDocument + "/reindex", null},
                new String[] {"GET", "/admin/sessions/" + sessionOfA, "/admin/sessions/no-such-session", null},
                new String[] {"GET", "/admin/widgets/" + widgetOfA, "/admin/widgets/no-such-widget", null},
                new String[] {"DELETE", "/admin/widgets/" + widgetOfA, "/admin/widgets/no-such-widget", null},
                new String[] {"GET", "/admin/prompts/" + promptOfA, "/admin/prompts/999999999", null},
                new String[] {"PUT", "/admin/prompts/" + promptOfA, "/admin/prompts/999999999", "{\"template\": \"hijacked\"}"},
                new String[] {"DELETE", "/admin/prompts/" + promptOfA, "/admin/prompts/999999999", null});
        for (String[] probe : probes) {
            GatewayClient.Reply foreign = adminB(probe[0], probe[1], probe[3]);
            GatewayClient.Reply missing = adminB(probe[0], probe[2], probe[3]);
            assertThat(foreign.status()).as("%s %s", probe[0], probe[1]).isEqualTo(404);
            assertThat(withoutInstance(foreign)).as("%s %s", probe[0], probe[1]).isEqualTo(withoutInstance(missing));
        }
        GatewayClient.Reply status = gateway.status(b.id(), b.uploadKey(), documentOfA);
        assertThat(status.status()).isEqualTo(404);

        assertThat(adminA("GET", "/admin/documents/" + documentOfA, null).text("status")).isEqualTo("indexed");
        assertThat(adminA("GET", "/admin/documents/" + documentOfA, null).body().path("version").asInt()).isEqualTo(1);
        assertThat(adminA("GET", "/admin/widgets/" + widgetOfA, null).status()).isEqualTo(200);
        assertThat(adminA("GET", "/admin/prompts/" + promptOfA, null).text("template")).isEqualTo("Answer politely.");
        assertThat(adminA("GET", "/admin/sessions/" + sessionOfA, null).status()).isEqualTo(200);
        assertThat(adminB("PUT", "/admin/widgets/" + widgetOfA, "{\"greeting\": \"B's own\"}").status()).isEqualTo(200);
        assertThat(adminA("GET", "/admin/widgets/" + widgetOfA, null).body().path("settings").path("greeting").asString())
                .as("B writing the same widget key makes B's own widget").isEqualTo("Hello from A");
    }

    private static List<String> sourcesOfA(String question) {
        return gateway.chat(a.id(), a.chatKey(), "s-" + System.nanoTime(), question).body().path("sources")
                .findValuesAsString("filename");
    }

    private static JsonNode withoutInstance(GatewayClient.Reply reply) {
        return ((ObjectNode) reply.body().deepCopy()).without("instance");
    }
}
