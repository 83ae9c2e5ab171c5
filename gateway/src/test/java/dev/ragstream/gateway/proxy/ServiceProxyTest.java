package dev.ragstream.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.web.ApiException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;

/** ServiceProxy against a local HTTP server standing in for an internal service. */
class ServiceProxyTest {

    private static final String SECRET = "internal-secret-for-tests";

    private final Tenant acme = new Tenant(TenantId.of("acme"), Map.of());
    private final List<Exchange> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch secondEvent = new CountDownLatch(1);
    private final CountDownLatch silence = new CountDownLatch(1);
    private HttpServer service;
    private ServiceProxy proxy;

    record Exchange(String method, String path, Map<String, List<String>> headers, String body, InetSocketAddress peer) {
    }

    @BeforeEach
    void start() throws IOException {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.setExecutor(Executors.newCachedThreadPool());
        service.createContext("/answer", exchange -> {
            record(exchange);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Retry-After", "7");
            exchange.getResponseHeaders().set("Set-Cookie", "internal=1");
            reply(exchange, 429, "{\"error\":\"Rate limit exceeded\"}");
        });
        service.createContext("/events", exchange -> {
            record(exchange);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("event: first\ndata: 1\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!secondEvent.await(20, TimeUnit.SECONDS)) {
                    return; // the test failed already: end the stream without the second event
                }
                out.write("event: second\ndata: 2\n\n".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        service.createContext("/silent", exchange -> {
            record(exchange);
            try {
                silence.await(3, TimeUnit.SECONDS); // answers 3 s late, or once the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(exchange, 200, "{}");
        });
        service.start();
        proxy = proxy(Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() throws IOException {
        secondEvent.countDown();
        silence.countDown();
        proxy.close();
        service.stop(0);
    }

    @Test
    void forwardsTheBodyWithOnlyTheGatewaysHeadersAndPassesTheAnswerBack() {
        byte[] body = "{\"message\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);
        ResponseEntity<byte[]> answer = proxy.forward(HttpMethod.POST, uri("/answer?x=1"), acme, MediaType.APPLICATION_JSON, body);

        assertThat(answer.getStatusCode().value()).isEqualTo(429);
        assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"Rate limit exceeded\"}");
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertThat(answer.getHeaders().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(answer.getHeaders().containsHeader("Set-Cookie")).as("only the listed headers come back").isFalse();
        Exchange exchange = seen.get(0);
        assertThat(exchange.method()).isEqualTo("POST");
        assertThat(exchange.path()).isEqualTo("/answer?x=1");
        assertThat(exchange.body()).isEqualTo("{\"message\":\"héllo\"}");
        assertThat(exchange.headers().get("X-internal-secret")).containsExactly(SECRET);
        assertThat(exchange.headers().get("X-tenant-id")).containsExactly("acme");
        assertThat(exchange.headers().get("Content-type")).containsExactly("application/json");
        assertThat(exchange.headers().get("X-correlation-id")).hasSize(1);
        assertThat(exchange.headers()).doesNotContainKeys("Accept-encoding", "Cookie");
    }

    @Test
    void keepsItsConnectionsForTheNextRequests() {
        for (int i = 0; i < 3; i++) {
            assertThat(proxy.forward(HttpMethod.GET, uri("/answer"), null, null, null).getStatusCode().value()).isEqualTo(429);
        }
        assertThat(seen).extracting(Exchange::peer).as("one connection").containsOnly(seen.get(0).peer());
        assertThat(seen.get(0).headers()).as("a tenant-less request names none").doesNotContainKey("X-tenant-id");
        assertThat(seen.get(0).method()).isEqualTo("GET");
    }

    @Test
    void streamsEachEventWhenTheServiceSendsIt() throws Exception {
        MockHttpServletResponse out = new MockHttpServletResponse();
        Future<?> streaming = Executors.newSingleThreadExecutor().submit(() -> {
            proxy.stream(uri("/events"), acme, "{\"stream\":true}".getBytes(StandardCharsets.UTF_8), out);
            return null;
        });

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> out.getContentAsString().contains("data: 1"));
        assertThat(out.isCommitted()).as("the first event is flushed to the client").isTrue();
        assertThat(out.getContentAsString()).doesNotContain("second");
        secondEvent.countDown();
        streaming.get(10, TimeUnit.SECONDS);

        assertThat(out.getContentAsString()).isEqualTo("event: first\ndata: 1\n\nevent: second\ndata: 2\n\n");
        assertThat(out.getStatus()).isEqualTo(200);
        assertThat(out.getHeader("Content-Type")).startsWith("text/event-stream");
        assertThat(out.getHeader("Cache-Control")).isEqualTo("no-cache");
        assertThat(seen.get(0).headers().get("Accept")).containsExactly("text/event-stream");
    }

    @Test
    void aServiceThatCannotBeReachedIs503() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThatThrownBy(() -> proxy.forward(HttpMethod.GET, URI.create("http://127.0.0.1:" + closed + "/x"), acme, null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void aServiceSilentForTheProxyTimeoutIs503() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> proxy.forward(HttpMethod.GET, uri("/silent"), acme, null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it does not wait for the answer").isLessThan(Duration.ofMillis(2_900));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + service.getAddress().getPort() + path);
    }

    private void record(HttpExchange exchange) throws IOException {
        seen.add(new Exchange(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                exchange.getRemoteAddress()));
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ServiceProxy proxy(Duration timeout) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "ragstream.gateway.proxy-timeout", timeout.toMillis() + "ms", "ragstream.platform.internal-secret", SECRET)));
        return new ServiceProxy(binder.bindOrCreate("ragstream.gateway", GatewayProperties.class),
                binder.bindOrCreate("ragstream.platform", PlatformProperties.class));
    }
}
