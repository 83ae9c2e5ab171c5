package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.env;
import static dev.ragstream.admin.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragstream.admin.TenantAdminApplication;
import dev.ragstream.admin.cli.Cli.Result;
import dev.ragstream.admin.deadletters.DeadLetterFixtures;
import dev.ragstream.schemas.Topics;
import dev.ragstream.testsupport.kafka.SharedKafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code tenant dlt list|redrive} against the real tenant-admin, reached through a small stand-in
 * for the gateway that checks the tenant's ADMIN_API_KEY and forwards like the real one; the
 * tenants are provisioned by the CLI and the dead letters are on the in-JVM Kafka broker.
 */
@SpringBootTest(classes = TenantAdminApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=tenant-admin")
class DltCommandIT {

    private static final String SECRET = "dlt-command-it-internal-secret-0123";
    private static final String NL = System.lineSeparator();
    static final Path tenants = tempDir();
    static String a;
    static String b;
    static String empty;
    static UUID documentOfA;
    static UUID documentOfB;
    static HttpServer gateway;

    @DynamicPropertySource
    static void tenantAdmin(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> SharedKafka.broker().bootstrapServers());
        registry.add("ragstream.platform.tenants-dir", tenants::toString);
        registry.add("ragstream.platform.staging-dir", () -> tenants.resolve("staging").toString());
        registry.add("ragstream.platform.internal-secret", () -> SECRET);
    }

    @BeforeAll
    static void twoTenantsWithADeadLetterEachAndOneWithout() throws SQLException {
        a = createTenant(tenants);
        b = createTenant(tenants);
        empty = createTenant(tenants);
        documentOfA = failedDocument(a);
        documentOfB = failedDocument(b);
        SharedKafka.broker().createTopics(Topics.all().toArray(String[]::new));
        try (DeadLetterFixtures kafka = new DeadLetterFixtures()) {
            kafka.deadLetter(Topics.UPLOADS, 2, 41, a, documentOfA.toString(), "corr-a", upload(a, documentOfA), "unsupported_type");
            kafka.deadLetter(Topics.UPLOADS, 2, 42, b, documentOfB.toString(), "corr-b", upload(b, documentOfB), "corrupt_file");
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop(0);
        }
        Cli.dropTenantDatabases();
    }

    @LocalServerPort
    int port;

    @Test
    void listPrintsATableOfTheTenantsOwnDeadLettersOnly() throws IOException {
        Result result = dlt("list", a);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ID").contains("DOCUMENT", "VERSION", "REASON", "ORIGIN", "EXCEPTION", "DEAD-LETTERED");
        assertThat(lines.get(1)).startsWith("rag.uploads.v1-dlt:").contains(documentOfA.toString(), " 1 ", "unsupported_type",
                "rag.uploads.v1:2:41", "PermanentException");
        assertThat(lines.get(2)).isEqualTo("1 dead letters");
        assertThat(result.out()).doesNotContain(documentOfB.toString(), "corrupt_file");
    }

    @Test
    void aTenantWithoutDeadLettersIsToldSo() throws IOException {
        Result result = dlt("list", empty);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("No dead letters for tenant " + empty + NL);
    }

    @Test
    void redriveQueuesTheDocumentOnceAndASecondRedriveSkipsIt() throws Exception {
        String letter = result(dlt("list", a)).lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        String offset = letter.substring(letter.lastIndexOf(':') + 1);

        Result first = dlt("redrive", a, "--offset=" + offset);
        Result second = dlt("redrive", a, "--offset=" + offset);

        assertThat(first.out()).as(first.toString()).isEqualTo(letter + " " + documentOfA + ": redriven as version 2" + NL
                + "Redrove 1 dead letters (0 skipped)" + NL);
        assertThat(second.out()).as(second.toString()).isEqualTo(letter + " " + documentOfA
                + ": skipped (document moved on: queued at version 2)" + NL + "Redrove 0 dead letters (1 skipped)" + NL);
        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(Cli.query(Cli.databaseOf(a), "SELECT status || ' ' || version FROM documents WHERE id = ?", documentOfA))
                .containsExactly("queued 2");
        assertThat(Cli.query(Cli.databaseOf(b), "SELECT status || ' ' || version FROM documents WHERE id = ?", documentOfB))
                .containsExactly("failed 1");
    }

    @Test
    void anUnknownOffsetFailsWithTheGatewaysMessage() throws IOException {
        Result result = dlt("redrive", a, "--offset=987654321");

        assertOneLineFailure(result, 1).isEqualTo("Error: cannot redrive the dead letters: Dead letter not found (HTTP 404)");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aRefusedAdminKeyStopsWithOneLineThatDoesNotEchoTheKey() throws IOException {
        Path other = Files.createTempDirectory("ragstream-dlt-wrong-key");
        Files.createDirectories(other.resolve(a));
        Files.writeString(other.resolve(a).resolve(".env"),
                Files.readString(Cli.envOf(tenants, a)).replaceFirst("(?m)^ADMIN_API_KEY=.*$", "ADMIN_API_KEY=rsk_not_the_admin_key"));

        Result result = run(other, "dlt", "list", "--tenant=" + a, "--gateway=" + gatewayUrl());

        assertOneLineFailure(result, 1).isEqualTo("Error: the gateway refused admin requests for tenant " + a
                + ": Invalid API key (HTTP 401)");
        assertThat(result.err() + result.out()).doesNotContain("rsk_not_the_admin_key");
    }

    @Test
    void helpNamesBothSubcommandsAndTheirOptions() {
        Result dlt = run(tenants, "dlt", "--help");
        Result redrive = run(tenants, "dlt", "redrive", "--help");

        assertThat(dlt.exit()).isZero();
        assertThat(dlt.out()).contains("list", "redrive");
        assertThat(redrive.exit()).isZero();
        assertThat(redrive.out()).contains("--tenant", "--offset", "--id", "--gateway");
    }

    @Test
    void anUnknownTenantFailsBeforeAnyRequest() {
        Result result = run(tenants, "dlt", "redrive", "--tenant=it-no-such-tenant", "--gateway=http://127.0.0.1:9");

        assertOneLineFailure(result, 1).startsWith("Error: unknown tenant it-no-such-tenant");
    }

    private Result dlt(String command, String tenant, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("dlt", command, "--tenant=" + tenant, "--gateway=" + gatewayUrl()));
        args.addAll(List.of(more));
        return run(tenants, args.toArray(String[]::new));
    }

    private static String result(Result result) {
        assertThat(result.exit()).as(result.toString()).isZero();
        return result.out();
    }

    /** The gateway's part for {@code /admin/**}: the tenant's admin key checked, then forwarded with the internal secret. */
    private synchronized String gatewayUrl() throws IOException {
        if (gateway == null) {
            gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            gateway.createContext("/admin", this::forward);
            gateway.start();
        }
        return "http://127.0.0.1:" + gateway.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String tenant = exchange.getRequestHeaders().getFirst("X-Tenant-ID");
            String key = exchange.getRequestHeaders().getFirst("X-API-Key");
            if (tenant == null || !Files.exists(Cli.envOf(tenants, tenant)) || !env(tenants, tenant).get("ADMIN_API_KEY").equals(key)) {
                byte[] body = "{\"type\":\"about:blank\",\"error\":\"Invalid API key\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + exchange.getRequestURI()))
                    .header("X-Internal-Secret", SECRET).header("X-Tenant-ID", tenant)
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            exchange.getResponseBody().write(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static UUID failedDocument(String tenant) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = Cli.connectAdmin(Cli.databaseOf(tenant)); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status, reason, version)
                VALUES (?, 'scan.pdf', 'application/pdf', 10, ?, 'failed', 'unsupported_type', 1)""")) {
            ps.setObject(1, id);
            ps.setString(2, "b".repeat(64));
            ps.executeUpdate();
        }
        return id;
    }

    private static String upload(String tenant, UUID document) {
        return """
                {"eventId":"%s","tenantId":"%s","documentId":"%s","version":1,"filename":"scan.pdf",\
                "contentType":"application/pdf","sizeBytes":10,"sha256":"%s","stagedAt":"file:///staging/%s",\
                "acceptedAt":"2026-11-27T08:00:00Z"}""".formatted(UUID.randomUUID(), tenant, document, "b".repeat(64), document);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ragstream-dlt-cli-it").resolve("tenants");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
