package dev.ragstream.platform.egress;

import static dev.ragstream.platform.egress.LocalHttpServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Fetches over real sockets from servers on 127.0.0.1, reached through an allow-listed test name. */
class SafeFetcherIT {

    static final String HOST = "files.test";

    final FixedResolver resolver = new FixedResolver().map(HOST, "127.0.0.1");
    final CountingOpener opener = new CountingOpener();
    final CountDownLatch release = new CountDownLatch(1);
    LocalHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = new LocalHttpServer();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    EgressPolicy policy(int port) {
        return EgressPolicy.defaults().withAllowedPorts(port).withAllowedPrivateHosts(HOST).withDeadline(Duration.ofSeconds(5));
    }

    SafeFetcher fetcher(EgressPolicy policy) {
        return new SafeFetcher(policy, resolver, opener, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    static String url(int port, String path) {
        return "http://" + HOST + ":" + port + path;
    }

    static EgressRefusedException refusal(ThrowingCall call) {
        try {
            call.run();
        } catch (EgressRefusedException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a refusal, got " + e, e);
        }
        throw new AssertionError("expected a refusal");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void fetchesAContentLengthBodyFromAnAllowListedHost() throws Exception {
        server.on("/doc", exchange -> respond(exchange, 200, "text/html; charset=utf-8", "<h1>hello</h1>"));
        try (FetchResponse response = fetcher(policy(server.port())).fetch(url(server.port(), "/doc?lang=en#intro"))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.url()).isEqualTo(URI.create("http://files.test:" + server.port() + "/doc?lang=en"));
            assertThat(response.contentType()).contains("text/html; charset=utf-8");
            assertThat(response.contentLength()).hasValue(14);
            assertThat(response.headers().get("content-type")).containsExactly("text/html; charset=utf-8");
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("<h1>hello</h1>");
        }
        assertThat(server.received).singleElement().isEqualTo(new LocalHttpServer.Received("GET", "/doc?lang=en",
                "files.test:" + server.port(), "ragstream-fetcher/1.0", "identity", "close"));
        assertThat(opener.connectedTo).containsExactly(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void decodesAChunkedBody() throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        server.on("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int offset = 0; offset < content.length; offset += 70_000) {
                    out.write(content, offset, Math.min(70_000, content.length - offset));
                    out.flush();
                }
            }
        });
        try (FetchResponse response = fetcher(policy(server.port())).fetch(url(server.port(), "/chunked"))) {
            assertThat(response.header("Transfer-Encoding")).contains("chunked");
            assertThat(response.contentLength()).isEmpty();
            assertThat(response.body().readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void readsABodyThatEndsWithTheConnection() throws Exception {
        try (RawHttpServer raw = new RawHttpServer((out, stop) ->
                out.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nno length, no chunks".getBytes(StandardCharsets.US_ASCII)));
             FetchResponse response = fetcher(policy(raw.port())).fetch(url(raw.port(), "/"))) {
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("no length, no chunks");
        }
    }

    @Test
    void skipsInterimResponses() throws Exception {
        String wire = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        try (RawHttpServer raw = new RawHttpServer((out, stop) -> out.write(wire.getBytes(StandardCharsets.US_ASCII)));
             FetchResponse response = fetcher(policy(raw.port())).fetch(url(raw.port(), "/"))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).doesNotContainKey("Link");
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("ok");
        }
    }

    @Test
    void refusesTheSameServerWhenItsNameIsNotAllowListed() {
        server.on("/doc", exchange -> respond(exchange, 200, "text/plain", "secret"));
        EgressPolicy defaults = EgressPolicy.defaults().withAllowedPorts(server.port());
        assertThat(refusal(() -> fetcher(defaults).fetch(url(server.port(), "/doc"))).reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(refusal(() -> fetcher(policy(server.port())).fetch("http://127.0.0.1:" + server.port() + "/doc")).reason())
                .isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(server.received).isEmpty();
        assertThat(opener.connectedTo).isEmpty();
    }

    @Test
    void refusesADeclaredOversizedBodyWithoutReadingIt() throws Exception {
        server.on("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 1_000_000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[1_000_000]);
            } catch (IOException e) {
                // the fetcher hung up, as it should
            }
        });
        EgressPolicy capped = policy(server.port()).withMaxBodySize(DataSize.ofKilobytes(64));
        EgressRefusedException refusal = refusal(() -> fetcher(capped).fetch(url(server.port(), "/huge")));
        assertThat(refusal.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(refusal).hasMessageContaining("65536 bytes");
        assertThat(opener.bytesRead.get()).isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void stopsReadingAStreamedOversizedBodyJustPastTheCap() throws Exception {
        long cap = 256 * 1024;
        long offered = 64L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        AtomicBoolean serverDone = new AtomicBoolean();
        server.on("/stream", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] block = new byte[16 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < offered) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            } catch (IOException e) {
                // the fetcher hung up, as it should
            } finally {
                serverDone.set(true);
            }
        });
        EgressPolicy capped = policy(server.port()).withMaxBodySize(DataSize.ofBytes(cap));
        try (FetchResponse response = fetcher(capped).fetch(url(server.port(), "/stream"))) {
            EgressRefusedException refusal = refusal(() -> response.body().transferTo(OutputStream.nullOutputStream()));
            assertThat(refusal.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThatThrownBy(() -> response.body().read()).isInstanceOf(EgressRefusedException.class);
        }
        assertThat(opener.bytesRead.get()).isBetween(cap, cap + 32 * 1024);
        await().atMost(Duration.ofSeconds(10)).untilTrue(serverDone);
        assertThat(written.get()).isLessThan(offered);
    }

    @Test
    void capsABodyThatEndsWithTheConnection() throws Exception {
        long cap = 100_000;
        try (RawHttpServer raw = new RawHttpServer((out, stop) -> {
            out.write("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[8192];
            for (int i = 0; i < 4096 && stop.getCount() > 0; i++) {
                out.write(block);
            }
        }); FetchResponse response = fetcher(policy(raw.port()).withMaxBodySize(DataSize.ofBytes(cap))).fetch(url(raw.port(), "/"))) {
            assertThat(refusal(() -> response.body().readAllBytes()).reason()).isEqualTo(Reason.TOO_LARGE);
        }
        assertThat(opener.bytesRead.get()).isBetween(cap, cap + 16 * 1024);
    }

    @Test
    void givesUpOnAServerThatNeverAnswersAtTheDeadline() throws Exception {
        server.on("/silent", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        EgressPolicy oneSecond = policy(server.port()).withDeadline(Duration.ofSeconds(1));
        long started = System.nanoTime();
        EgressRefusedException refusal = refusal(() -> fetcher(oneSecond).fetch(url(server.port(), "/silent")));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(refusal.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(refusal.retryable()).isTrue();
        assertThat(elapsedMillis).isBetween(900L, 2_500L);
    }

    @Test
    void aServerTricklingItsBodyCannotStretchTheDeadline() throws Exception {
        try (RawHttpServer raw = new RawHttpServer((out, stop) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 50 && !stop.await(100, TimeUnit.MILLISECONDS); i++) {
                out.write('x');
                out.flush();
            }
        })) {
            long started = System.nanoTime();
            try (FetchResponse response = fetcher(policy(raw.port()).withDeadline(Duration.ofSeconds(1))).fetch(url(raw.port(), "/"))) {
                assertThat(refusal(() -> response.body().readAllBytes()).reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 2_000L);
        }
    }

    @Test
    void aServerTricklingItsHeadCannotStretchTheDeadline() throws Exception {
        try (RawHttpServer raw = new RawHttpServer((out, stop) -> {
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 50 && !stop.await(100, TimeUnit.MILLISECONDS); i++) {
                out.write('x');
                out.flush();
            }
        })) {
            long started = System.nanoTime();
            EgressRefusedException refusal = refusal(() ->
                    fetcher(policy(raw.port()).withDeadline(Duration.ofSeconds(1))).fetch(url(raw.port(), "/")));
            assertThat(refusal.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 2_000L);
        }
    }

    @Test
    void reportsErrorStatusesWithoutWhatTheServerSaid() {
        server.on("/missing", exchange -> respond(exchange, 404, "text/plain", "SECRET-BODY-CANARY"));
        server.on("/busy", exchange -> respond(exchange, 503, "text/plain", "SECRET-BODY-CANARY"));
        EgressRefusedException missing = refusal(() -> fetcher(policy(server.port())).fetch(url(server.port(), "/missing")));
        assertThat(missing.reason()).isEqualTo(Reason.HTTP_ERROR);
        assertThat(missing.httpStatus()).hasValue(404);
        assertThat(missing.retryable()).isFalse();
        assertThat(missing).hasMessageContaining("404").hasMessageNotContaining("SECRET-BODY-CANARY");
        EgressRefusedException busy = refusal(() -> fetcher(policy(server.port())).fetch(url(server.port(), "/busy")));
        assertThat(busy.httpStatus()).hasValue(503);
        assertThat(busy.retryable()).isTrue();
    }

    @Test
    void refusesResponsesThatAreNotHttp() throws Exception {
        try (RawHttpServer raw = new RawHttpServer((out, stop) -> out.write("SECRET-BODY-CANARY\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))) {
            EgressRefusedException refusal = refusal(() -> fetcher(policy(raw.port())).fetch(url(raw.port(), "/")));
            assertThat(refusal.reason()).isEqualTo(Reason.INVALID_RESPONSE);
            assertThat(refusal).hasMessageNotContaining("SECRET-BODY-CANARY");
        }
    }

    @Test
    void refusesTruncatedBodies() throws Exception {
        for (String wire : new String[] {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nshort"}) {
            try (RawHttpServer raw = new RawHttpServer((out, stop) -> out.write(wire.getBytes(StandardCharsets.US_ASCII)));
                 FetchResponse response = fetcher(policy(raw.port())).fetch(url(raw.port(), "/"))) {
                assertThat(refusal(() -> response.body().readAllBytes()).reason()).isEqualTo(Reason.INVALID_RESPONSE);
            }
        }
    }

    @Test
    void httpsSpeaksTlsAndFailsAgainstAPlainTextServer() throws Exception {
        try (RawHttpServer raw = new RawHttpServer(false, (out, stop) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stop.await(5, TimeUnit.SECONDS);
        })) {
            EgressRefusedException refusal = refusal(() -> fetcher(policy(raw.port())).fetch("https://" + HOST + ":" + raw.port() + "/"));
            assertThat(refusal.reason()).isEqualTo(Reason.CONNECTION_FAILED);
            assertThat(refusal).hasRootCauseInstanceOf(SSLException.class);
            assertThat(raw.connections).hasValue(1);
        }
    }

    @Test
    void connectsToTheAddressItValidatedEvenWhenTheNameRebinds() throws Exception {
        server.on("/doc", exchange -> respond(exchange, 200, "text/plain", "validated"));
        AtomicInteger questions = new AtomicInteger();
        DnsResolver rebinding = host -> {
            byte[] answer = questions.getAndIncrement() == 0 ? new byte[] {127, 0, 0, 1} : new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254};
            return new InetAddress[] {InetAddress.getByAddress(host, answer)};
        };
        SafeFetcher fetcher = new SafeFetcher(policy(server.port()), rebinding, opener, (SSLSocketFactory) SSLSocketFactory.getDefault());
        try (FetchResponse response = fetcher.fetch(url(server.port(), "/doc"))) {
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("validated");
        }
        assertThat(questions).hasValue(1);
        assertThat(opener.connectedTo).containsExactly(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        EgressRefusedException refusal = refusal(() -> fetcher(policy(closedPort)).fetch(url(closedPort, "/")));
        assertThat(refusal.reason()).isEqualTo(Reason.CONNECTION_FAILED);
        assertThat(refusal.retryable()).isTrue();
    }
}
