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
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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
 * Apache HttpClient's classic client with pooled keep-alive connections: the request is written
 * and the answer read in the calling thread (the JDK client hands each exchange to its selector
 * thread and back, two thread wake-ups that cost more than the hop itself on a 2-core machine).
 */
@Component
public class ServiceProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
    private static final List<String> PASSED_BACK = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER,
            HttpHeaders.LOCATION);
    /** More than Tomcat's 200 request threads: a proxied request never waits for a connection. */
    private static final int MAX_CONNECTIONS = 256;

    private final CloseableHttpClient client;
    private final String internalSecret;

    ServiceProxy(GatewayProperties gateway, PlatformProperties platform) {
        Timeout silence = Timeout.of(gateway.proxyTimeout());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(MAX_CONNECTIONS).setMaxConnPerRoute(MAX_CONNECTIONS)
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2))
                                .setSocketTimeout(silence).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(silence)
                        .setConnectionRequestTimeout(Timeout.ofSeconds(2)).build())
                // under the services' keep-alive timeout (Tomcat's 20 s), so a pooled connection is not closed mid-request
                .evictIdleConnections(TimeValue.ofSeconds(15))
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableAuthCaching().disableContentCompression()
                .build();
        this.internalSecret = platform.internalSecret();
    }

    /**
     * @param tenant null for tenant-less requests (e.g. the API description)
     * @throws ApiException 503 when the service cannot be reached or stays silent for the proxy timeout
     */
    public ResponseEntity<byte[]> forward(HttpMethod method, URI target, Tenant tenant, MediaType contentType, byte[] body) {
        HttpUriRequestBase request = request(method, target, tenant);
        if (body != null && body.length > 0) {
            request.setEntity(new ByteArrayEntity(body,
                    ContentType.parse((contentType == null ? MediaType.APPLICATION_JSON : contentType).toString())));
        }
        try (ClassicHttpResponse response = send(request, target)) {
            HttpHeaders headers = new HttpHeaders();
            passBack(response, headers::set);
            HttpEntity entity = response.getEntity();
            return ResponseEntity.status(response.getCode()).headers(headers)
                    .body(entity == null ? new byte[0] : EntityUtils.toByteArray(entity));
        } catch (IOException e) {
            throw unavailable(target, e);
        }
    }

    /**
     * {@link #forward} for an answer streamed as server-sent events: asks for
     * {@code text/event-stream} and copies what arrives to {@code out} as it arrives, flushing each
     * read, so the client sees every event when the service sends it. An answer that is no stream
     * (an error before the first event) is copied whole.
     * @throws ApiException 503 when the service cannot be reached before it answered
     */
    public void stream(URI target, Tenant tenant, byte[] body, HttpServletResponse out) throws IOException {
        HttpUriRequestBase request = request(HttpMethod.POST, target, tenant);
        request.setHeader(HttpHeaders.ACCEPT, "text/event-stream");
        request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        try (ClassicHttpResponse response = send(request, target)) {
            out.setStatus(response.getCode());
            passBack(response, out::setHeader);
            Header type = response.getFirstHeader(HttpHeaders.CONTENT_TYPE);
            boolean events = type != null && type.getValue().startsWith("text/event-stream");
            if (events) {
                out.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
                out.setHeader("X-Accel-Buffering", "no");
            }
            OutputStream sink = out.getOutputStream();
            if (response.getEntity() != null) {
                try (InputStream in = response.getEntity().getContent()) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sink.write(buffer, 0, n);
                        if (events) {
                            sink.flush();
                        }
                    }
                }
            }
            sink.flush();
        }
    }

    /** @throws ApiException 503 when the service cannot be reached or stays silent for the proxy timeout */
    private ClassicHttpResponse send(HttpUriRequestBase request, URI target) {
        try {
            return client.executeOpen(null, request, null);
        } catch (IOException e) {
            throw unavailable(target, e);
        }
    }

    /** The answer's headers the client gets too ({@link #PASSED_BACK}), each given to {@code to}. */
    private static void passBack(ClassicHttpResponse response, BiConsumer<String, String> to) {
        for (String name : PASSED_BACK) {
            Header header = response.getFirstHeader(name);
            if (header != null) {
                to.accept(name, header.getValue());
            }
        }
    }

    private static ApiException unavailable(URI target, IOException cause) {
        log.error("Internal service {} unreachable: {}", target.getHost() + ":" + target.getPort(), cause.toString());
        return ApiException.unavailable("service-unavailable", "The service is unavailable; please retry");
    }

    private HttpUriRequestBase request(HttpMethod method, URI target, Tenant tenant) {
        HttpUriRequestBase request = new HttpUriRequestBase(method.name(), target);
        request.setHeader(InternalRequestFilter.SECRET_HEADER, internalSecret);
        request.setHeader("X-Correlation-ID", UUID.randomUUID().toString());
        if (tenant != null) {
            request.setHeader(InternalRequestFilter.TENANT_HEADER, tenant.id().value());
        }
        return request;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
