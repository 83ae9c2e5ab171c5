package dev.ragstream.gateway.chat;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpClient;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /chat}: the seed's chat contract, answered by the query API. */
@RestController
class ChatController {

    private static final Logger log = LoggerFactory.getLogger(ChatController.class);

    private final TenantResolver tenants;
    private final RestClient queryApi;
    private final String internalSecret;

    ChatController(TenantResolver tenants, GatewayProperties gateway, PlatformProperties platform,
                   RestClient.Builder builder) {
        this.tenants = tenants;
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        requests.setReadTimeout(gateway.proxyTimeout());
        this.queryApi = builder.clone().baseUrl(gateway.queryApi().toString()).requestFactory(requests).build();
        this.internalSecret = platform.internalSecret();
    }

    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> chat(HttpServletRequest request, @RequestBody JsonNode body) {
        if (!(body instanceof ObjectNode json)) {
            throw ApiException.badRequest("invalid-body", "Request body must be a JSON object");
        }
        JsonNode bodyTenant = json.get("tenant_id");
        Tenant tenant = tenants.resolve(request, bodyTenant == null || bodyTenant.isNull() ? null : bodyTenant.asString());
        tenants.requireEnabled(tenant, "chat");
        if (tenant.chatApiKey().isPresent()) {
            tenants.requireKey(request, tenant.chatApiKey());
        }
        json.put("tenant_id", tenant.id().value());
        try {
            return queryApi.post().uri("/internal/chat")
                    .header(InternalRequestFilter.SECRET_HEADER, internalSecret)
                    .header(InternalRequestFilter.TENANT_HEADER, tenant.id().value())
                    .header("X-Correlation-ID", UUID.randomUUID().toString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(json.toString())
                    .exchange((req, res) -> {
                        HttpHeaders headers = new HttpHeaders();
                        headers.setContentType(res.getHeaders().getContentType());
                        return ResponseEntity.status(res.getStatusCode()).headers(headers)
                                .body(new String(res.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    });
        } catch (ResourceAccessException e) {
            log.error("Tenant {}: query API unreachable: {}", tenant.id(), e.getMessage());
            throw ApiException.unavailable("query-unavailable", "The chat service is unavailable; please retry");
        }
    }
}
