package dev.ragstream.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client of the gateway, as an outside client would use it. */
final class GatewayClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A response: status, content type and the parsed JSON body. */
    record Reply(int status, String contentType, JsonNode body, String retryAfter) {
        String text(String field) {
            return body.path(field).asString();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    GatewayClient(String base) {
        this.base = base;
    }

    /** One part of a multipart upload: its field name, file name, declared type and bytes. */
    record Part(String field, String filename, String declaredType, byte[] content) {
        static Part file(String filename, byte[] content) {
            return new Part("file", filename, "application/octet-stream", content);
        }

        /** A plain form field. */
        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    Reply upload(String tenant, String key, String filename, byte[] content) {
        return upload(tenant, key, java.util.List.of(Part.file(filename, content)));
    }

    Reply upload(String tenant, String key, java.util.List<Part> parts) {
        return upload(tenant, key, parts, false);
    }

    /** @param chunked sent without a Content-Length, as a client streaming a body of unknown length does */
    Reply upload(String tenant, String key, java.util.List<Part> parts, boolean chunked) {
        String boundary = "----rs" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            String head = part.filename() == null ? "\r\n\r\n"
                    : "; filename=\"" + part.filename() + "\"\r\nContent-Type: " + part.declaredType() + "\r\n\r\n";
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.field() + "\"" + head)
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/upload" + (tenant == null ? "" : "?tenant=" + tenant)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.toByteArray()))
                        : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return send(request);
    }

    Reply status(String tenant, String key, String documentId) {
        return send(HttpRequest.newBuilder(URI.create(base + "/upload/status/" + documentId + "?tenant=" + tenant))
                .header("X-API-Key", key).GET());
    }

    Reply chat(String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return send(request);
    }

    Reply chat(String tenant, String key, String sessionId, String message) {
        var body = JSON.createObjectNode().put("tenant_id", tenant).put("session_id", sessionId).put("message", message);
        return chat(key, body.toString());
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", key).GET());
    }

    /** A POST without a body, with {@code X-API-Key}. */
    Reply post(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Any request: {@code jsonBody} may be null; {@code headers} are name, value pairs. */
    Reply request(String method, String path, String jsonBody, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /** An admin API call: tenant in {@code X-Tenant-ID}, the admin key in {@code X-API-Key}; body may be null. */
    Reply admin(String method, String path, String tenant, String key, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (tenant != null) {
            request.header("X-Tenant-ID", tenant);
        }
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return send(request);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : parse(response.body());
            return new Reply(response.statusCode(), type, body, response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException("gateway request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (RuntimeException e) {
            return JSON.createObjectNode().put("raw", body);
        }
    }
}
