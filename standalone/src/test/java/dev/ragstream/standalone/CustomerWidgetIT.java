package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The customer widget's public routes on the real stack: {@code /widget-config} shows only the
 * public settings of the tenant's own widgets, {@code /customer-chat} answers without a key under
 * the widget's settings, {@code /customer-chat/inquiry} stores a validated inquiry when the
 * widget's lead form is on — each switched off per tenant, limited and CORS-checked.
 */
class CustomerWidgetIT {

    private static final String SHOP_ORIGIN = "https://shop.example";
    private static final String QUESTION = "How many vacation days do employees get?";

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created shop;
    static TestTenants.Created other;
    static TestTenants.Created closed;
    static TestTenants.Created busy;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        // one client sends every request here: the validation test needs more than the default five inquiries a minute
        shop = tenants.rewrite(tenants.create("shop"), Map.of("ALLOWED_ORIGINS", SHOP_ORIGIN, "RATE_LIMIT_INQUIRY_PER_MINUTE", "100"));
        other = tenants.create("other");
        closed = tenants.rewrite(tenants.create("closed"), Map.of("ENDPOINT_CUSTOMER_CHAT_ENABLED", "false",
                "ENDPOINT_WIDGET_CONFIG_ENABLED", "false"));
        busy = tenants.rewrite(tenants.create("busy"), Map.of("RATE_LIMIT_INQUIRY_PER_MINUTE", "2"));
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, shop, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        String support = """
                {"title": "Shop help", "greeting": "Ahoy! Ask me anything.", "primary_color": "#0055ff", "lead_form": true,
                 "tone_prompt": "Be brief. Internal note: never mention the staff discount."}""";
        for (TestTenants.Created tenant : new TestTenants.Created[] {shop, closed, busy}) {
            assertThat(gateway.admin("PUT", "/admin/widgets/support", tenant.id(), tenant.adminKey(), support).status()).isEqualTo(200);
        }
        assertThat(gateway.admin("PUT", "/admin/widgets/quiet", shop.id(), shop.adminKey(), "{\"greeting\": \"Hello.\"}").status())
                .isEqualTo(200);
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

    @Test
    void widgetConfigShowsThePublicSettingsOfTheTenantsOwnWidgetOnly() {
        GatewayClient.Reply config = gateway.request("GET", "/widget-config?tenant=" + shop.id() + "&widget=support", null,
                "Origin", SHOP_ORIGIN);

        assertThat(config.status()).isEqualTo(200);
        assertThat(config.text("tenant")).isEqualTo(shop.id());
        assertThat(config.text("widget_key")).isEqualTo("support");
        assertThat(config.text("title")).isEqualTo("Shop help");
        assertThat(config.text("greeting")).isEqualTo("Ahoy! Ask me anything.");
        assertThat(config.text("primary_color")).isEqualTo("#0055ff");
        assertThat(config.body().path("lead_form").asBoolean()).isTrue();
        assertThat(config.body().has("tone_prompt")).isFalse();
        assertThat(config.body().toString()).doesNotContain("staff discount");

        GatewayClient.Reply byHeader = gateway.request("GET", "/widget-config?widget=support", null, "X-Tenant-ID", shop.id());
        assertThat(byHeader.text("greeting")).isEqualTo("Ahoy! Ask me anything.");
        GatewayClient.Reply standard = gateway.get("/widget-config?tenant=" + other.id());
        assertThat(standard.status()).as("every tenant has the default widget").isEqualTo(200);
        assertThat(standard.text("widget_key")).isEqualTo("default");
        assertThat(standard.text("greeting")).isEqualTo("Hi! How can I help you?");
        assertThat(standard.body().path("lead_form").asBoolean()).isFalse();

        GatewayClient.Reply foreign = gateway.get("/widget-config?tenant=" + other.id() + "&widget=support");
        assertThat(foreign.status()).as("another tenant's widget key").isEqualTo(404);
        assertThat(foreign.text("error")).isEqualTo("Widget not found");
        assertThat(gateway.get("/widget-config?tenant=" + shop.id() + "&widget=Bad%20Key").status()).isEqualTo(400);
        assertThat(gateway.get("/widget-config?tenant=nobody-here&widget=support").status()).isEqualTo(404);
        assertThat(gateway.get("/widget-config").status()).isEqualTo(400);
    }

    @Test
    void customerChatAnswersWithoutAKeyUnderTheWidgetsSettings() {
        String body = chat(shop, "support", "visitor-1", QUESTION);
        assertThat(gateway.chat(null, body.replace(",\"widget_key\":\"support\"", "")).status())
                .as("the key-protected /chat").isEqualTo(401);

        GatewayClient.Reply reply = gateway.request("POST", "/customer-chat", body, "Origin", SHOP_ORIGIN);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("context_used").asBoolean()).isTrue();
        assertThat(reply.body().path("sources").get(0).path("filename").asString()).isEqualTo("handbook.md");
        assertThat(reply.text("response")).contains("27");

        GatewayClient.Reply standard = gateway.request("POST", "/customer-chat", chat(shop, null, "visitor-2", QUESTION));
        assertThat(standard.status()).as("without widget_key: the default widget").isEqualTo(200);
        GatewayClient.Reply unknown = gateway.request("POST", "/customer-chat", chat(shop, "nope", "visitor-3", QUESTION));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("Widget not found");
        assertThat(gateway.request("POST", "/customer-chat", chat(other, "support", "visitor-4", QUESTION)).status())
                .as("the widget key of another tenant").isEqualTo(404);
        assertThat(gateway.request("POST", "/customer-chat",
                "{\"tenant_id\": \"" + shop.id() + "\", \"session_id\": \"v\", \"message\": \"hi\", \"widget_key\": 7}").status())
                .isEqualTo(400);
        assertThat(gateway.request("POST", "/customer-chat", "{\"tenant_id\": \"" + shop.id() + "\", \"session_id\": \"v\"}").text("error"))
                .isEqualTo("Missing message");

        GatewayClient.Reply streamed = gateway.request("POST", "/customer-chat", chat(shop, "support", "visitor-5", QUESTION),
                "Accept", "text/event-stream");
        assertThat(streamed.contentType()).startsWith("text/event-stream");
        assertThat(streamed.text("raw")).contains("event: sources", "event: token", "event: done");
    }

    @Test
    void anInquiryIsValidatedStoredForItsTenantAndListedInTheAdminApi() {
        GatewayClient.Reply stored = gateway.request("POST", "/customer-chat/inquiry",
                inquiry(shop, "support", "Dana Smith", "dana@example.com", "Please call me about bulk orders."), "Origin", SHOP_ORIGIN);

        assertThat(stored.status()).isEqualTo(201);
        assertThat(stored.text("status")).isEqualTo("received");
        assertThat(stored.body().path("inquiry_id").asLong()).isPositive();
        JsonNode listed = gateway.admin("GET", "/admin/inquiries", shop.id(), shop.adminKey(), null).body().path("items");
        assertThat(listed.findValuesAsString("email")).containsExactly("dana@example.com");
        assertThat(listed.get(0).path("widget_key").asString()).isEqualTo("support");
        assertThat(listed.get(0).path("message").asString()).isEqualTo("Please call me about bulk orders.");
        assertThat(gateway.admin("GET", "/admin/inquiries", other.id(), other.adminKey(), null).body().path("items").size())
                .as("another tenant's admin").isZero();

        assertThat(post(inquiry(shop, "quiet", "Dana", "dana@example.com", "Hi")).status()).as("lead form off").isEqualTo(403);
        assertThat(post(inquiry(shop, null, "Dana", "dana@example.com", "Hi")).status()).as("the default widget").isEqualTo(403);
        assertThat(post(inquiry(shop, "support", "Dana", "not-an-address", "Hi")).text("error"))
                .isEqualTo("email is not a valid e-mail address");
        assertThat(post(inquiry(shop, "support", "Dana", "dana@localhost", "Hi")).status()).isEqualTo(400);
        assertThat(post(inquiry(shop, "support", "", "dana@example.com", "Hi")).text("error")).isEqualTo("Missing name");
        assertThat(post(inquiry(shop, "support", "Dana", "dana@example.com", "  ")).text("error")).isEqualTo("Missing message");
        assertThat(post(inquiry(shop, "support", "Dana\u202Eevil", "dana@example.com", "Hi")).status()).isEqualTo(400);
        assertThat(post(inquiry(shop, "support", "Dana", "dana@example.com", "x".repeat(5_001))).text("error"))
                .isEqualTo("message must be at most 5000 characters");
        assertThat(post(inquiry(shop, "support", "D".repeat(201), "dana@example.com", "Hi")).status()).isEqualTo(400);
        assertThat(gateway.admin("GET", "/admin/inquiries", shop.id(), shop.adminKey(), null).body().path("total").asInt())
                .as("nothing refused was stored").isEqualTo(1);
    }

    @Test
    void theRoutesFollowTheTenantsEndpointSwitchesAndTheInquiryLimit() {
        assertThat(gateway.get("/widget-config?tenant=" + closed.id() + "&widget=support").status()).isEqualTo(404);
        assertThat(gateway.request("POST", "/customer-chat", chat(closed, "support", "v", QUESTION)).status()).isEqualTo(404);
        assertThat(post(inquiry(closed, "support", "Dana", "dana@example.com", "Hi")).status()).isEqualTo(404);
        assertThat(gateway.chat(closed.id(), closed.chatKey(), "v", QUESTION).status()).as("its /chat stays on").isEqualTo(200);

        for (int i = 0; i < 2; i++) {
            assertThat(post(inquiry(busy, "support", "Dana", "dana" + i + "@example.com", "Hi")).status()).isEqualTo(201);
        }
        GatewayClient.Reply limited = post(inquiry(busy, "support", "Dana", "dana9@example.com", "Hi"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.text("error")).isEqualTo("Rate limit exceeded");
        assertThat(Integer.parseInt(limited.retryAfter())).isPositive();
    }

    @Test
    void theWidgetRoutesEchoOnlyTheTenantsOwnOrigins() {
        GatewayClient.Reply preflight = gateway.request("OPTIONS", "/customer-chat/inquiry?tenant=" + shop.id(), null,
                "Origin", SHOP_ORIGIN, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(gateway.request("OPTIONS", "/customer-chat/inquiry?tenant=" + shop.id(), null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST").status()).isEqualTo(403);
    }

    private static GatewayClient.Reply post(String inquiry) {
        return gateway.request("POST", "/customer-chat/inquiry", inquiry);
    }

    private static String chat(TestTenants.Created tenant, String widget, String session, String message) {
        var body = GatewayClient.JSON.createObjectNode().put("tenant_id", tenant.id()).put("session_id", session).put("message", message);
        if (widget != null) {
            body.put("widget_key", widget);
        }
        return body.toString();
    }

    private static String inquiry(TestTenants.Created tenant, String widget, String name, String email, String message) {
        var body = GatewayClient.JSON.createObjectNode().put("tenant_id", tenant.id()).put("name", name).put("email", email)
                .put("message", message);
        if (widget != null) {
            body.put("widget_key", widget);
        }
        return body.toString();
    }
}
