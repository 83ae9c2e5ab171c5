package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's admin API as one tenant ({@code X-Tenant-ID}) with its ADMIN_API_KEY.
 * A refused key or tenant ends the command: it cannot be right for the next document either.
 */
final class GatewayAdmin {

    /** An answer: its status, JSON body (missing node when none) and, for errors, the gateway's message. */
    record Reply(int status, JsonNode body, String error) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI gateway;
    private final TenantId tenant;
    private final String key;

    GatewayAdmin(URI gateway, TenantId tenant, String key) {
        this.gateway = gateway;
        this.tenant = tenant;
        this.key = key;
    }

    /**
     * @throws IllegalStateException when the gateway cannot be reached, or refuses the key or the tenant
     */
    Reply call(String method, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + pathAndQuery))
                .header("X-Tenant-ID", tenant.value()).header("X-API-Key", key)
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        Reply reply = send(request);
        String type = reply.body().path("type").asString();
        if (reply.status() == 401 || reply.status() == 403
                || (reply.status() == 404 && (type.endsWith("/tenant-not-found") || type.endsWith("/endpoint-disabled")))) {
            throw new IllegalStateException("the gateway refused admin requests for tenant " + tenant + ": "
                    + reply.error() + " (HTTP " + reply.status() + ")");
        }
        return reply;
    }

    private Reply send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new IllegalStateException("cannot reach the gateway at " + gateway + ": connection timed out", e);
        } catch (ConnectException e) {
            String reason = GatewayUploads.reason(e);
            throw new IllegalStateException("cannot reach the gateway at " + gateway + ": "
                    + (reason.equals(e.getClass().getSimpleName()) ? "connection refused" : reason), e);
        } catch (IOException e) {
            throw new IllegalStateException("the gateway at " + gateway + " broke off: " + GatewayUploads.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to the gateway at " + gateway, e);
        }
        JsonNode body = parse(response.body());
        String error = body.path("error").asString();
        if (error.isBlank()) {
            error = body.path("detail").asString().isBlank() ? "HTTP " + response.statusCode() : body.path("detail").asString();
        }
        return new Reply(response.statusCode(), body, error);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }
}
