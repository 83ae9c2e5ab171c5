package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /upload} with a URL and {@code /media-info} through the real system, against a local HTTP
 * server serving a page, a text file, a video page with a WebVTT caption track and one without.
 * The egress policy allow-lists only the name {@code localhost}: the same server reached as
 * 127.0.0.1, and the metadata address, are refused.
 */
class UrlImportIT {

    static final String TALK_PAGE = """
            <!doctype html><html><head><title>Zebra talk</title>
            <meta property="og:video" content="/media/zebra.mp4"></head>
            <body><video controls src="/media/zebra.mp4">
            <track kind="captions" src="captions/zebra.vtt" srclang="en"></video></body></html>""";
    static final String CAPTIONS = """
            WEBVTT

            1
            00:00:01.000 --> 00:00:04.000
            <v Guide>Zebras sleep standing up in open grassland.</v>

            2
            00:00:04.100 --> 00:00:07.000
            Each zebra has a unique stripe pattern.
            """;
    static final String SILENT_PAGE = "<html><head><title>Silent film</title></head><body><video src=\"/media/s.mp4\"></video></body></html>";

    @TempDir
    static Path home;

    static HttpServer site;
    static final AtomicInteger requests = new AtomicInteger();
    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve("/guide/zebras", "text/html; charset=utf-8", Fixtures.bytes(Fixtures.PRODUCT));
        serve("/files/faq.txt", "text/plain", Fixtures.bytes(Fixtures.FAQ));
        serve("/talks/zebra", "text/html", TALK_PAGE.getBytes(StandardCharsets.UTF_8));
        serve("/talks/captions/zebra.vtt", "text/vtt", CAPTIONS.getBytes(StandardCharsets.UTF_8));
        serve("/talks/silent", "text/html", SILENT_PAGE.getBytes(StandardCharsets.UTF_8));
        site.createContext("/moved", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        site.start();
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("url");
        system = Standalone.start(tenants.settings(home.resolve("data"), Map.of(
                "ragstream.gateway.egress.allowed-private-hosts", "localhost",
                "ragstream.gateway.egress.allowed-ports", "80,443," + site.getAddress().getPort(),
                "ragstream.gateway.egress.deadline", "10s")));
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
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void aPageNamedInJsonBecomesAnIndexedHtmlDocument() {
        GatewayClient.Reply reply = postJson("/upload", "{\"url\": \"" + local("/guide/zebras") + "\"}");

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        assertThat(reply.text("filename")).isEqualTo("zebras.html");
        assertThat(reply.body().path("documents").size()).isEqualTo(1);
        assertThat(reply.text("job_url")).startsWith("/upload/jobs/");
        awaitIndexed(reply.text("document_id"));
        assertThat(row(reply.text("document_id"), "content_type")).isEqualTo("text/html");
        assertThat(row(reply.text("document_id"), "source")).isEqualTo("url");
        GatewayClient.Reply status = gateway.status(tenant.id(), tenant.uploadKey(), reply.text("document_id"));
        assertThat(status.text("source")).isEqualTo("url");
        assertThat(status.text("source_url")).isEqualTo(local("/guide/zebras"));
    }

    @Test
    void aFileNamedInAFormFieldBecomesAnIndexedDocument() {
        GatewayClient.Reply reply = postForm("/upload", "url", local("/files/faq.txt"));

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        assertThat(reply.text("filename")).isEqualTo("faq.txt");
        awaitIndexed(reply.text("document_id"));
        assertThat(row(reply.text("document_id"), "content_type")).isEqualTo("text/plain");
    }

    @Test
    void aVideoPageWithACaptionTrackBecomesItsTranscript() {
        GatewayClient.Reply reply = postJson("/upload", "{\"url\": \"" + local("/talks/zebra") + "\"}");

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        assertThat(reply.text("filename")).isEqualTo("Zebra talk.md");
        awaitIndexed(reply.text("document_id"));
        String text = chunkText(reply.text("document_id"));
        assertThat(text).contains("Zebras sleep standing up in open grassland. Each zebra has a unique stripe pattern.")
                .doesNotContain("-->").doesNotContain("00:00").doesNotContain("<v");
    }

    @Test
    void aVideoPageWithoutCaptionsHasNoTranscript() {
        GatewayClient.Reply reply = postJson("/upload", "{\"url\": \"" + local("/talks/silent") + "\"}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.text("error")).startsWith("No transcript available");
    }

    @Test
    void anUpstreamErrorIsNamedWithoutItsBody() {
        GatewayClient.Reply reply = postJson("/upload", "{\"url\": \"" + local("/nowhere") + "\"}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.text("error")).isEqualTo("The URL answered HTTP 404");
    }

    @Test
    void loopbackAndMetadataAddressesAreRefusedWhenNotAllowListed() {
        int before = requests.get();
        String port = ":" + site.getAddress().getPort();
        for (String url : List.of("http://127.0.0.1" + port + "/files/faq.txt", "http://169.254.169.254/latest/meta-data/",
                "http://[::ffff:127.0.0.1]" + port + "/files/faq.txt", "http://2130706433" + port + "/files/faq.txt")) {
            GatewayClient.Reply reply = postJson("/upload", "{\"url\": \"" + url + "\"}");
            assertThat(reply.status()).as(url).isEqualTo(400);
            assertThat(reply.text("error")).as(url).startsWith("URL refused: address_blocked");
        }
        GatewayClient.Reply redirected = postForm("/upload", "url", local("/moved"));
        assertThat(redirected.status()).isEqualTo(400);
        assertThat(redirected.text("error")).startsWith("URL refused: address_blocked");
        assertThat(requests.get() - before).as("only the redirecting page was fetched").isEqualTo(1);
        assertThat(postJson("/media-info", "{\"url\": \"http://169.254.169.254/\"}").text("error"))
                .startsWith("URL refused: address_blocked");
    }

    @Test
    void aUrlUploadNeedsTheUploadKey() {
        GatewayClient.Reply reply = send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/upload?tenant=" + tenant.id()))
                .header("Content-Type", "application/json").header("X-API-Key", tenant.chatKey())
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + local("/files/faq.txt") + "\"}")));

        assertThat(reply.status()).isEqualTo(401);
    }

    @Test
    void mediaInfoDescribesPagesMediaAndDocumentsWithoutIngestingThem() {
        int before = documents();

        JsonNode talk = postJson("/media-info", "{\"url\": \"" + local("/talks/zebra") + "\"}").body();
        assertThat(talk.path("kind").asString()).isEqualTo("media");
        assertThat(talk.path("title").asString()).isEqualTo("Zebra talk");
        assertThat(talk.path("importable").asBoolean()).isTrue();
        assertThat(talk.path("content_type").asString()).isEqualTo("text/html");

        JsonNode silent = postJson("/media-info", "{\"url\": \"" + local("/talks/silent") + "\"}").body();
        assertThat(silent.path("kind").asString()).isEqualTo("media");
        assertThat(silent.path("importable").asBoolean()).isFalse();

        JsonNode page = postJson("/media-info", "{\"url\": \"" + local("/guide/zebras") + "\"}").body();
        assertThat(page.path("kind").asString()).isEqualTo("page");
        assertThat(page.path("importable").asBoolean()).isTrue();

        JsonNode file = postJson("/media-info", "{\"url\": \"" + local("/files/faq.txt") + "\"}").body();
        assertThat(file.path("kind").asString()).isEqualTo("document");
        assertThat(file.path("content_type").asString()).isEqualTo("text/plain");
        assertThat(file.path("size_bytes").asLong()).isEqualTo(Fixtures.bytes(Fixtures.FAQ).length);
        assertThat(file.path("url").asString()).isEqualTo(local("/files/faq.txt"));
        assertThat(documents()).isEqualTo(before);
    }

    private static void serve(String path, String type, byte[] body) {
        site.createContext(path, exchange -> {
            requests.incrementAndGet();
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static String local(String path) {
        return "http://localhost:" + site.getAddress().getPort() + path;
    }

    private static void awaitIndexed(String documentId) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(gateway.status(tenant.id(), tenant.uploadKey(), documentId).text("status")).isEqualTo("indexed"));
    }

    private static GatewayClient.Reply postJson(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + path + "?tenant=" + tenant.id()))
                .header("Content-Type", "application/json").header("X-API-Key", tenant.uploadKey())
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static GatewayClient.Reply postForm(String path, String field, String value) {
        String boundary = "----rs" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--"
                + boundary + "--\r\n";
        return send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-Tenant-ID", tenant.id()).header("X-API-Key", tenant.uploadKey())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static GatewayClient.Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? GatewayClient.JSON.createObjectNode() : GatewayClient.JSON.readTree(response.body());
            return new GatewayClient.Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String row(String documentId, String column) {
        return query("SELECT " + column + " FROM documents WHERE id = ?::uuid", documentId).get(0);
    }

    private static String chunkText(String documentId) {
        return String.join(" ", query("SELECT content FROM chunks WHERE document_id = ?::uuid ORDER BY chunk_index", documentId));
    }

    private static int documents() {
        return Integer.parseInt(query("SELECT count(*) FROM documents WHERE ? IS NOT NULL", "x").get(0));
    }

    private static List<String> query(String sql, String parameter) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(), "postgres", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
