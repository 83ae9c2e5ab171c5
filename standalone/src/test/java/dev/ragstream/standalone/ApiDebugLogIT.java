package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** API debug logs: recorded per tenant with secrets redacted, readable with the tenant's debug Basic credentials. */
class ApiDebugLogIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created logged;
    static TestTenants.Created quiet;
    static Standalone system;
    static GatewayClient gateway;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        logged = tenants.create("dbg-on");
        quiet = tenants.create("dbg-off");
        append(logged, "API_DEBUG_LOGGING_ENABLED=true\nAPI_DEBUG_LOG_PATH=" + home.resolve("debug") + "\n");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
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
    void exchangesAreRecordedNewestFirstWithSecretsRedacted() throws Exception {
        gateway.chat(logged.id(), logged.chatKey(), "dbg-1", "first question");
        gateway.chat(logged.id(), logged.chatKey(), "dbg-2", "second question");
        gateway.chat(logged.id(), "rsk_wrong_key_for_the_log", "dbg-3", "third question");

        HttpResponse<String> reply = logs(logged, logged.env().get("API_DEBUG_USERNAME"), logged.env().get("API_DEBUG_PASSWORD"));
        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode items = GatewayClient.JSON.readTree(reply.body()).path("items");
        assertThat(items.size()).isGreaterThanOrEqualTo(3);
        assertThat(items.get(0).path("status").asInt()).isEqualTo(401);
        assertThat(items.get(0).path("request_body").asString()).contains("third question");
        assertThat(items.get(1).path("request_body").asString()).contains("second question");
        assertThat(items.get(1).path("status").asInt()).isEqualTo(200);
        assertThat(items.get(1).path("response_body").asString()).contains("context_used");
        assertThat(items.get(1).path("request_headers").path("X-API-Key").asString()).isEqualTo("[redacted]");

        String files = readAll(home.resolve("debug").resolve(logged.id()));
        assertThat(files).doesNotContain(logged.chatKey()).doesNotContain("rsk_wrong_key_for_the_log")
                .doesNotContain(logged.env().get("API_DEBUG_PASSWORD"));
    }

    @Test
    void readingNeedsTheTenantsDebugCredentialsAndOtherTenantsAreNotRecorded() throws Exception {
        HttpResponse<String> wrong = logs(logged, "admin", "wrong-password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(logs(logged, quiet.env().get("API_DEBUG_USERNAME"), quiet.env().get("API_DEBUG_PASSWORD")).statusCode())
                .as("another tenant's debug credentials").isEqualTo(401);

        gateway.chat(quiet.id(), quiet.chatKey(), "q", "not recorded");
        HttpResponse<String> quietLogs = logs(quiet, quiet.env().get("API_DEBUG_USERNAME"), quiet.env().get("API_DEBUG_PASSWORD"));
        assertThat(quietLogs.statusCode()).isEqualTo(200);
        assertThat(GatewayClient.JSON.readTree(quietLogs.body()).path("items").size()).isZero();
        assertThat(GatewayClient.JSON.readTree(quietLogs.body()).path("enabled").asBoolean()).isFalse();
    }

    private static HttpResponse<String> logs(TestTenants.Created tenant, String user, String password) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/api-debug/logs?tenant=" + tenant.id()))
                .header("Authorization", "Basic " + basic).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String readAll(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    private static void append(TestTenants.Created t, String lines) throws IOException {
        Path env = tenants.dir().resolve(t.id()).resolve(".env");
        Files.writeString(env, Files.readString(env) + lines);
    }
}
