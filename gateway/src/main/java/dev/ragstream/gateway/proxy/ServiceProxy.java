package dev.ragstream.gateway.proxy;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Forwards a request the gateway already authenticated to an internal service. Only the internal
 * secret and the tenant the gateway resolved travel along — no header of the client confers
 * trust. The answer (status, body, content type, Retry-After, Location) goes back unchanged.
 */
@Component
public class ServiceProxy {

    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
    private static final List<String> PASSED_BACK = List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION);

    private final RestClient client;
    private final String internalSecret;

    ServiceProxy(GatewayProperties gateway, PlatformProperties platform) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(2)).build());
        requests.setReadTimeout(gateway.proxyTimeout());
        this.client = RestClient.builder().requestFactory(requests).build();
        this.internalSecret = platform.internalSecret();
    }

    /**
     * @param tenant null for tenant-less requests (e.g. the API description)
     * @throws ApiException 503 when the service cannot be reached
     */
    public ResponseEntity<byte[]> forward(HttpMethod method, URI target, Tenant tenant, MediaType contentType, byte[] body) {
        try {
            RestClient.RequestBodySpec request = client.method(method).uri(target)
                    .header(InternalRequestFilter.SECRET_HEADER, internalSecret)
                    .header("X-Correlation-ID", UUID.randomUUID().toString());
            if (tenant != null) {
                request.header(InternalRequestFilter.TENANT_HEADER, tenant.id().value());
            }
            if (body != null && body.length > 0) {
                request.contentType(contentType == null ? MediaType.APPLICATION_JSON : contentType).body(body);
            }
            return request.exchange((req, res) -> {
                HttpHeaders headers = new HttpHeaders();
                if (res.getHeaders().getContentType() != null) {
                    headers.setContentType(res.getHeaders().getContentType());
                }
                PASSED_BACK.forEach(name -> {
                    String value = res.getHeaders().getFirst(name);
                    if (value != null) {
                        headers.set(name, value);
                    }
                });
                return ResponseEntity.status(res.getStatusCode()).headers(headers).body(res.getBody().readAllBytes());
            });
        } catch (ResourceAccessException e) {
            log.error("Internal service {} unreachable: {}", target.getHost() + ":" + target.getPort(), e.getMessage());
            throw ApiException.unavailable("service-unavailable", "The service is unavailable; please retry");
        }
    }
}
