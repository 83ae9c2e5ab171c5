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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The chat routes, answered by the query API: {@code POST /chat} (the seed's contract), the
 * customer widget's public {@code /customer-chat}, {@code /customer-chat/inquiry} and
 * {@code /widget-config}, and the OpenAI-compatible {@code /v1/chat/completions}.
 */
@RestController
class ChatController {

    private final TenantResolver tenants;
    private final ServiceProxy proxy;
    private final URI chatApi;
    private final URI customerChatApi;
    private final URI inquiriesApi;
    private final URI widgetConfigApi;
    private final URI completionsApi;

    ChatController(TenantResolver tenants, ServiceProxy proxy, GatewayProperties gateway) {
        this.tenants = tenants;
        this.proxy = proxy;
        this.chatApi = gateway.queryApi().resolve("/internal/chat");
        this.customerChatApi = gateway.queryApi().resolve("/internal/customer-chat");
        this.inquiriesApi = gateway.queryApi().resolve("/internal/inquiries");
        this.widgetConfigApi = gateway.queryApi().resolve("/internal/widget-config");
        this.completionsApi = gateway.queryApi().resolve("/internal/v1/chat/completions");
    }

    /**
     * The answer as one JSON object, or as server-sent events when the client asks for
     * {@code text/event-stream} or sends {@code "stream": true} (see the query API's chat).
     */
    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> chat(HttpServletRequest request, HttpServletResponse response, @RequestBody byte[] body)
            throws IOException {
        return answer(request, response, body, Route.CHAT, chatApi);
    }

    /**
     * {@code POST /customer-chat}: the public chat of the customer widget (no key; the edge limits
     * and CORS-checks it). {@code widget_key} in the body selects the widget's settings.
     */
    @PostMapping(path = "/customer-chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> customerChat(HttpServletRequest request, HttpServletResponse response, @RequestBody byte[] body)
            throws IOException {
        return answer(request, response, body, Route.CUSTOMER_CHAT, customerChatApi);
    }

    /** {@code POST /customer-chat/inquiry}: a visitor's name, e-mail and message from a widget's lead form. */
    @PostMapping(path = "/customer-chat/inquiry", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> inquiry(HttpServletRequest request, @RequestBody byte[] body) {
        Tenant tenant = tenants.resolve(request, tenantId(object(body)));
        tenants.requireEnabled(tenant, Route.INQUIRY.endpoint());
        return proxy.forward(HttpMethod.POST, inquiriesApi, tenant, MediaType.APPLICATION_JSON, body);
    }

    /** {@code GET /widget-config?tenant=<id>&widget=<key>}: the public subset of a widget's settings. */
    @GetMapping("/widget-config")
    ResponseEntity<byte[]> widgetConfig(HttpServletRequest request, @RequestParam(required = false) String widget) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, Route.WIDGET_CONFIG.endpoint());
        URI target = widget == null ? widgetConfigApi
                : UriComponentsBuilder.fromUri(widgetConfigApi).queryParam("widget", "{w}").encode().buildAndExpand(widget).toUri();
        return proxy.forward(HttpMethod.GET, target, tenant, null, null);
    }

    private ResponseEntity<byte[]> answer(HttpServletRequest request, HttpServletResponse response, byte[] body, Route route,
                                          URI target) throws IOException {
        ObjectNode json = object(body);
        Tenant tenant = tenants.resolve(request, tenantId(json));
        tenants.requireEnabled(tenant, route.endpoint());
        if (route == Route.CHAT && tenant.chatApiKey().isPresent()) {
            tenants.requireKey(request, tenant.chatApiKey());
        }
        // the body goes on as the client sent it: the query API takes the tenant from the gateway's header
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (json.path("stream").asBoolean(false) || (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE))) {
            proxy.stream(target, tenant, body, response);
            return null;
        }
        return proxy.forward(HttpMethod.POST, target, tenant, MediaType.APPLICATION_JSON, body);
    }

    /** The body's {@code tenant_id}, null when it names none. */
    private static String tenantId(ObjectNode json) {
        JsonNode tenant = json.get("tenant_id");
        if (tenant != null && !tenant.isNull() && !tenant.isString()) {
            throw ApiException.badRequest("invalid-tenant-id", "tenant_id must be a string");
        }
        return tenant == null || tenant.isNull() ? null : tenant.asString();
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
        ObjectNode json = object(body);
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

    /** @throws ApiException 400 when the body is no JSON object */
    private static ObjectNode object(byte[] body) {
        try {
            if (JsonMapper.shared().readTree(body) instanceof ObjectNode json) {
                return json;
            }
        } catch (JacksonException e) {
            // answered below, as for any other body that is no object
        }
        throw ApiException.badRequest("invalid-body", "Request body must be a JSON object");
    }
}
