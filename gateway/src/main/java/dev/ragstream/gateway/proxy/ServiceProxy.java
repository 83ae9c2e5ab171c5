package dev.ragstream.gateway.proxy;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Forwards a request the gateway already authenticated to an internal service. Only the internal
 * secret and the tenant the gateway resolved travel along — no header of the client confers
 * trust. The answer (status, body, content type, Retry-After, Location) goes back unchanged.
 * Plain JDK HTTP client with byte-array bodies: the hop adds as little as the machine allows.
 */
@Component
public class ServiceProxy {

    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
    private static final List<String> PASSED_BACK = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER,
            HttpHeaders.LOCATION);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Duration timeout;
    private final String internalSecret;

    ServiceProxy(GatewayProperties gateway, PlatformProperties platform) {
        this.timeout = gateway.proxyTimeout();
        this.internalSecret = platform.internalSecret();
    }

    /**
     * @param tenant null for tenant-less requests (e.g. the API description)
     * @throws ApiException 503 when the service cannot be reached or does not answer in time
     */
    public ResponseEntity<byte[]> forward(HttpMethod method, URI target, Tenant tenant, MediaType contentType, byte[] body) {
        HttpRequest.Builder request = request(target, tenant).timeout(timeout);
        if (body != null && body.length > 0) {
            request.header(HttpHeaders.CONTENT_TYPE, (contentType == null ? MediaType.APPLICATION_JSON : contentType).toString())
                    .method(method.name(), HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method.name(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpHeaders headers = new HttpHeaders();
        PASSED_BACK.forEach(name -> response.headers().firstValue(name).ifPresent(value -> headers.set(name, value)));
        return ResponseEntity.status(response.statusCode()).headers(headers).body(response.body());
    }

    /**
     * {@link #forward} for an answer streamed as server-sent events: asks for
     * {@code text/event-stream} and copies what arrives to {@code out} as it arrives, flushing each
     * read, so the client sees every event when the service sends it. An answer that is no stream
     * (an error before the first event) is copied whole.
     * @throws ApiException 503 when the service cannot be reached before it answered
     */
    public void stream(URI target, Tenant tenant, byte[] body, HttpServletResponse out) throws IOException {
        HttpRequest request = request(target, tenant).timeout(timeout).header(HttpHeaders.ACCEPT, "text/event-stream")
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        out.setStatus(response.statusCode());
        PASSED_BACK.forEach(name -> response.headers().firstValue(name).ifPresent(value -> out.setHeader(name, value)));
        boolean events = response.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse("").startsWith("text/event-stream");
        if (events) {
            out.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            out.setHeader("X-Accel-Buffering", "no");
        }
        try (InputStream in = response.body()) {
            OutputStream sink = out.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sink.write(buffer, 0, n);
                if (events) {
                    sink.flush();
                }
            }
            sink.flush();
        }
    }

    /** @throws ApiException 503 when the service cannot be reached or does not answer in time */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            log.error("Internal service {} unreachable: {}", request.uri().getHost() + ":" + request.uri().getPort(), e.toString());
            throw ApiException.unavailable("service-unavailable", "The service is unavailable; please retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("service-unavailable", "The service is unavailable; please retry");
        }
    }

    private HttpRequest.Builder request(URI target, Tenant tenant) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .header(InternalRequestFilter.SECRET_HEADER, internalSecret)
                .header("X-Correlation-ID", UUID.randomUUID().toString());
        if (tenant != null) {
            request.header(InternalRequestFilter.TENANT_HEADER, tenant.id().value());
        }
        return request;
    }
}
