package dev.ragstream.gateway.chat;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.gateway.abuse.Route;
import dev.ragstream.gateway.proxy.ServiceProxy;
import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /chat}: the seed's chat contract, answered by the query API. */
@RestController
class ChatController {

    private final TenantResolver tenants;
    private final ServiceProxy proxy;
    private final URI queryApi;
    private final URI completionsApi;

    ChatController(TenantResolver tenants, ServiceProxy proxy, GatewayProperties gateway) {
        this.tenants = tenants;
        this.proxy = proxy;
        this.queryApi = gateway.queryApi().resolve("/internal/chat");
        this.completionsApi = gateway.queryApi().resolve("/internal/v1/chat/completions");
    }

    /**
     * The answer as one JSON object, or as server-sent events when the client asks for
     * {@code text/event-stream} or sends {@code "stream": true} (see the query API's chat).
     */
    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> chat(HttpServletRequest request, HttpServletResponse response, @RequestBody byte[] body)
            throws IOException {
        if (!(parse(body) instanceof ObjectNode json)) {
            throw ApiException.badRequest("invalid-body", "Request body must be a JSON object");
        }
        JsonNode bodyTenant = json.get("tenant_id");
        if (bodyTenant != null && !bodyTenant.isNull() && !bodyTenant.isString()) {
            throw ApiException.badRequest("invalid-tenant-id", "tenant_id must be a string");
        }
        Tenant tenant = tenants.resolve(request, bodyTenant == null || bodyTenant.isNull() ? null : bodyTenant.asString());
        tenants.requireEnabled(tenant, "chat");
        if (tenant.chatApiKey().isPresent()) {
            tenants.requireKey(request, tenant.chatApiKey());
        }
        // the body goes on as the client sent it: the query API takes the tenant from the gateway's header
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (json.path("stream").asBoolean(false) || (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE))) {
            proxy.stream(queryApi, tenant, body, response);
            return null;
        }
        return proxy.forward(HttpMethod.POST, queryApi, tenant, MediaType.APPLICATION_JSON, body);
    }

    /**
     * {@code POST /v1/chat/completions}: OpenAI's chat completions API over a tenant's documents, so
     * any OpenAI SDK can talk to it. The tenant comes from {@code "model": "ragstream:<tenant>"}, the
     * query {@code tenant} or {@code X-Tenant-ID}; the key is the tenant's CHAT_API_KEY, sent as
     * {@code Authorization: Bearer} (or {@code X-API-Key}), required when the tenant sets one.
     */
    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> completions(HttpServletRequest request, HttpServletResponse response, @RequestBody byte[] body)
            throws IOException {
        if (!(parse(body) instanceof ObjectNode json)) {
            throw ApiException.badRequest("invalid-body", "Request body must be a JSON object");
        }
        String model = json.path("model").isString() ? json.path("model").asString() : null;
        Tenant tenant = tenants.resolve(request, model != null && model.startsWith(Route.TENANT_MODEL_PREFIX)
                ? model.substring(Route.TENANT_MODEL_PREFIX.length()) : null);
        tenants.requireEnabled(tenant, "chat");
        if (tenant.chatApiKey().isPresent()) {
            tenants.requireKey(request, tenant.chatApiKey());
        }
        if (json.path("stream").asBoolean(false)) {
            proxy.stream(completionsApi, tenant, body, response);
            return null;
        }
        return proxy.forward(HttpMethod.POST, completionsApi, tenant, MediaType.APPLICATION_JSON, body);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JsonMapper.shared().readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}
