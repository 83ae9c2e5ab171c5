package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's upload API ({@code POST /upload}, {@code GET /upload/status/<id>}) as one tenant
 * with its UPLOAD_API_KEY, over java.net.http. Files are streamed, never read into memory.
 */
final class GatewayUploads {

    /** The gateway's answer about one file or document: its id, and the gateway's error message when refused. */
    record Reply(int status, String documentId, String state, String error) {
        boolean accepted() {
            return status == 202 && documentId != null;
        }

        /** The tenant already has these bytes: nothing was queued. */
        boolean duplicate() {
            return status == 200 && "duplicate".equals(state);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final TenantId tenant;
    private final String key;

    GatewayUploads(URI gateway, TenantId tenant, String key) {
        this.gateway = gateway;
        this.tenant = tenant;
        this.key = key;
    }

    /**
     * Uploads one file as the multipart field {@code file}.
     * @throws IllegalStateException when the gateway cannot be reached at all
     * @throws IOException when this file could not be read or sent (other files may still work)
     */
    /** Uploads one file as part of the upload job {@code job} (one job for a whole import). */
    Reply upload(Path file, UUID job) throws IOException {
        String boundary = "ragstream-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename(file) + "\"\r\nContent-Type: " + contentType(file) + "\r\n\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint("/upload") + "&job=" + job))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("X-API-Key", key)
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
                .build();
        return send(request);
    }

    /**
     * The processing state of an accepted document ({@code queued} … {@code indexed}, {@code failed}),
     * its reason in {@link Reply#error()}.
     * @throws IllegalStateException when the gateway cannot be reached at all
     */
    Reply status(String documentId) throws IOException {
        return send(HttpRequest.newBuilder(endpoint("/upload/status/" + documentId))
                .header("X-API-Key", key).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private URI endpoint(String path) {
        return URI.create(gateway + path + "?tenant=" + URLEncoder.encode(tenant.value(), StandardCharsets.UTF_8));
    }

    private Reply send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new IllegalStateException("cannot reach the gateway at " + gateway + ": connection timed out", e);
        } catch (ConnectException e) {
            String reason = reason(e);
            throw new IllegalStateException("cannot reach the gateway at " + gateway + ": "
                    + (reason.equals(e.getClass().getSimpleName()) ? "connection refused" : reason), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to the gateway at " + gateway, e);
        }
        JsonNode body = parse(response.body());
        String error = text(body, "error");
        if (error == null && response.statusCode() >= 300) {
            error = text(body, "detail") != null ? text(body, "detail") : "HTTP " + response.statusCode();
        }
        return new Reply(response.statusCode(), text(body, "document_id"), text(body, "status"),
                response.statusCode() < 300 ? text(body, "reason") : error);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    private static String text(JsonNode body, String field) {
        return body.path(field).stringValueOpt().filter(s -> !s.isBlank()).orElse(null);
    }

    /** The file's name, percent-encoding what would end the quoted header value (as browsers do). */
    private static String filename(Path file) {
        return file.getFileName().toString().replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String contentType(Path file) {
        try {
            String probed = Files.probeContentType(file);
            return probed == null || probed.isBlank() ? "application/octet-stream" : probed;
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }

    /** The most specific message in the cause chain (HttpClient often leaves the outer one empty). */
    static String reason(Throwable e) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = ErrorLine.of(t);
            }
        }
        return reason != null ? reason : e.getClass().getSimpleName();
    }
}
