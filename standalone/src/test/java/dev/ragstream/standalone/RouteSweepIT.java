package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only an exact allow-list of gateway routes answers without credentials. Raw HTTP over a socket,
 * so path variants reach the server exactly as written (no client normalisation).
 */
class RouteSweepIT {

    /** Routes that answer 2xx to anyone (they hold no tenant data). */
    private static final Set<String> PUBLIC = Set.of("GET /v3/api-docs", "GET /widget-config", "POST /customer-chat",
            "GET /chat-widget.js", "GET /customer-widget.js");

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("sweep");
        system = Standalone.start(tenants.settings(home.resolve("data")));
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
    void noPathVariantOrRewriteHeaderReachesDataWithoutCredentials() throws IOException {
        String t = tenant.id();
        List<String> targets = new ArrayList<>();
        for (String base : List.of("/admin/stats", "/admin/documents", "/admin-dashboard", "/admin/dashboard",
                "/upload/status/00000000-0000-0000-0000-000000000000",
                "/upload/jobs/00000000-0000-0000-0000-000000000000", "/debug-rag", "/internal/debug-rag", "/v1/chat/completions",
                "/internal/v1/chat/completions", "/internal/customer-chat", "/internal/widget-config", "/internal/inquiries",
                "/customer-chat", "/widget-config", "/actuator/prometheus", "/actuator/env",
                "/actuator/health", "/internal/chat", "/actuator", "/error")) {
            targets.add(base + "?tenant=" + t);
            targets.add(base + "/?tenant=" + t);
            targets.add("/" + base + "?tenant=" + t);
            targets.add(base.replaceFirst("/", "/%2f") + "?tenant=" + t);
            targets.add(base.replace("/", "%2F").replaceFirst("%2F", "/") + "?tenant=" + t);
            targets.add(base.toUpperCase() + "?tenant=" + t);
            targets.add(base + ";jsessionid=abc?tenant=" + t);
            targets.add("/static/..%2f.." + base + "?tenant=" + t);
            targets.add("/x/%2e%2e" + base + "?tenant=" + t);
            targets.add("/x/.." + base + "?tenant=" + t);
        }
        List<String> leaks = new ArrayList<>();
        for (String target : targets) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                check(method, target, Map.of(), leaks);
            }
        }
        for (String header : List.of("X-Original-URL", "X-Rewrite-URL", "X-Forwarded-Prefix")) {
            for (String path : List.of("/admin/stats", "/admin-dashboard", "/actuator/prometheus", "/internal/chat")) {
                check("GET", "/?tenant=" + t, Map.of(header, path, "X-Tenant-ID", t), leaks);
                check("GET", "/chat?tenant=" + t, Map.of(header, path, "X-Tenant-ID", t), leaks);
            }
        }
        check("POST", "/chat", Map.of("X-Internal-Secret", "guess", "X-Tenant-ID", t, "Content-Type", "application/json"), leaks);

        assertThat(leaks).as("requests answered 2xx without credentials").isEmpty();
    }

    @Test
    void thePublicAllowListAnswersAndTheInternalServicesRefuseOutsiders() throws IOException {
        assertThat(status("GET", "/v3/api-docs", Map.of(), system.port(Standalone.Service.GATEWAY))).isEqualTo(200);
        assertThat(status("GET", "/widget-config?tenant=" + tenant.id(), Map.of(), system.port(Standalone.Service.GATEWAY)))
                .isEqualTo(200);
        for (String script : List.of("/chat-widget.js", "/customer-widget.js")) {
            assertThat(status("GET", script, Map.of(), system.port(Standalone.Service.GATEWAY))).as(script).isEqualTo(200);
        }
        assertThat(status("GET", "/actuator/health", Map.of(), system.port(Standalone.Service.GATEWAY)))
                .as("health is on the management port only").isEqualTo(404);
        for (Standalone.Service internal : List.of(Standalone.Service.QUERY_API, Standalone.Service.TENANT_ADMIN)) {
            int port = system.port(internal);
            assertThat(status("POST", "/internal/chat", Map.of("X-Tenant-ID", tenant.id(), "X-Internal-Secret", "guess",
                    "Content-Type", "application/json"), port)).as("%s", internal).isEqualTo(403);
            assertThat(status("GET", "/admin/stats", Map.of("X-Tenant-ID", tenant.id()), port)).as("%s", internal).isEqualTo(403);
        }
    }

    private void check(String method, String target, Map<String, String> headers, List<String> leaks) throws IOException {
        int status = status(method, target, headers, system.port(Standalone.Service.GATEWAY));
        // a ;parameter is no other route: the container removes it before routing
        String route = method + " " + target.replaceAll("\\?.*", "").replace(";jsessionid=abc", "");
        if (status >= 200 && status < 300 && !PUBLIC.contains(route)) {
            leaks.add(route + " " + headers.keySet() + " -> " + status);
        }
    }

    /** Sends a raw request line (the path exactly as given) and returns the status code. */
    private static int status(String method, String target, Map<String, String> headers, int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            String body = method.equals("GET") ? "" : "{\"tenant_id\": \"" + tenant.id() + "\", \"session_id\": \"s\", \"message\": \"hi\"}";
            if (!body.isEmpty()) {
                request.append("Content-Length: ").append(body.length()).append("\r\n");
            }
            request.append("\r\n").append(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
