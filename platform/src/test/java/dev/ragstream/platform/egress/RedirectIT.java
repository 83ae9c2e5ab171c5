package dev.ragstream.platform.egress;

import static dev.ragstream.platform.egress.LocalHttpServer.redirect;
import static dev.ragstream.platform.egress.LocalHttpServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

/** Every redirect is a new URL: parsed, resolved and validated like the first one. */
class RedirectIT {

    static final String HOST = "files.test";

    final FixedResolver resolver = new FixedResolver()
            .map(HOST, "127.0.0.1")
            .map("other.test", "127.0.0.1")
            .map("metadata.test", "169.254.169.254")
            .map("metadata6.test", "fd00:ec2::254")
            .map("alibaba.test", "100.100.100.200");
    final CountingOpener opener = new CountingOpener();
    final CountDownLatch release = new CountDownLatch(1);
    LocalHttpServer server;
    int port;

    @BeforeEach
    void start() throws IOException {
        server = new LocalHttpServer();
        port = server.port();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    /** The allow-list names the metadata hosts too: it must not matter. */
    SafeFetcher fetcher() {
        EgressPolicy policy = EgressPolicy.defaults().withAllowedPorts(port, 80, 443)
                .withAllowedPrivateHosts(HOST, "metadata.test", "metadata6.test", "alibaba.test", "169.254.169.254")
                .withDeadline(Duration.ofSeconds(5));
        return fetcher(policy);
    }

    SafeFetcher fetcher(EgressPolicy policy) {
        return new SafeFetcher(policy, resolver, opener, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    String url(String path) {
        return "http://" + HOST + ":" + port + path;
    }

    EgressRefusedException refusal(SafeFetcher fetcher, String url) {
        try {
            fetcher.fetch(url).close();
        } catch (EgressRefusedException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("expected a refusal, got " + e, e);
        }
        throw new AssertionError("expected a refusal of " + url);
    }

    @Test
    void followsEveryRedirectStatusUpToTheLimit() throws Exception {
        server.on("/r1", exchange -> redirect(exchange, 301, "/r2"))
                .on("/r2", exchange -> redirect(exchange, 302, "r3"))
                .on("/r3", exchange -> redirect(exchange, 303, url("/r4")))
                .on("/r4", exchange -> redirect(exchange, 307, "//" + HOST + ":" + port + "/r5"))
                .on("/r5", exchange -> redirect(exchange, 308, "/final?from=r5#fragment"))
                .on("/final", exchange -> respond(exchange, 200, "text/plain", "arrived"));
        try (FetchResponse response = fetcher().fetch(url("/r1"))) {
            assertThat(response.url()).isEqualTo(URI.create(url("/final?from=r5")));
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("arrived");
        }
        assertThat(server.received).extracting(LocalHttpServer.Received::path)
                .containsExactly("/r1", "/r2", "/r3", "/r4", "/r5", "/final?from=r5");
        assertThat(resolver.questions(HOST)).isEqualTo(6);
    }

    @Test
    void givesUpOnRedirectLoops() {
        server.on("/loop", exchange -> redirect(exchange, 302, "/loop"));
        EgressRefusedException refusal = refusal(fetcher(), url("/loop"));
        assertThat(refusal.reason()).isEqualTo(Reason.TOO_MANY_REDIRECTS);
        assertThat(server.requestsTo("/loop")).isEqualTo(6);
    }

    @Test
    void followsNoRedirectWhenTheLimitIsZero() {
        server.on("/moved", exchange -> redirect(exchange, 301, "/elsewhere"));
        EgressPolicy noRedirects = fetcher().policy().withMaxRedirects(0);
        assertThat(refusal(fetcher(noRedirects), url("/moved")).reason()).isEqualTo(Reason.TOO_MANY_REDIRECTS);
        assertThat(server.received).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://2852039166/computeMetadata/v1/",
            "http://0xa9.0xfe.0xa9.0xfe/",
            "http://[fd00:ec2::254]/latest/api/token",
            "http://100.100.100.200/latest/meta-data/",
            "http://metadata.test/latest/meta-data/",
            "http://metadata.test:{port}/",
            "http://metadata6.test/",
            "http://alibaba.test/",
            "http://[64:ff9b::a9fe:a9fe]/"})
    void refusesARedirectToACloudMetadataAddressEvenForAllowListedHosts(String location) {
        server.on("/start", exchange -> redirect(exchange, 302, location.replace("{port}", String.valueOf(port))));
        EgressRefusedException refusal = refusal(fetcher(), url("/start"));
        assertThat(refusal.reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(refusal).hasMessageContaining("a cloud metadata address");
        assertThat(opener.connectedTo).containsExactly(loopback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://other.test:{port}/", "http://127.0.0.1:{port}/", "http://2130706433:{port}/",
            "http://[::1]:{port}/", "http://10.0.0.1/", "http://192.168.0.1/admin", "http://0.0.0.0:{port}/"})
    void refusesARedirectToAPrivateAddressOfAHostThatIsNotAllowListed(String location) {
        server.on("/start", exchange -> redirect(exchange, 302, location.replace("{port}", String.valueOf(port))));
        assertThat(refusal(fetcher(), url("/start")).reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(server.received).hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "file:///etc/passwd, scheme_not_allowed",
            "gopher://files.test:{port}/_INFO, scheme_not_allowed",
            "ftp://files.test/, scheme_not_allowed",
            "http://files.test:6379/, port_not_allowed",
            "http://files.test:22/, port_not_allowed",
            "http://user@files.test:{port}/, invalid_url",
            "http://files.test:{port}\\@169.254.169.254/, invalid_url",
            "http://nowhere.test/, unresolvable_host"
    })
    void revalidatesSchemePortAndHostOnEveryHop(String location, String code) {
        server.on("/start", exchange -> redirect(exchange, 302, location.replace("{port}", String.valueOf(port))));
        assertThat(refusal(fetcher(), url("/start")).code()).isEqualTo(code);
        assertThat(server.received).hasSize(1);
    }

    @Test
    void followsARedirectWithoutReadingItsBody() throws Exception {
        server.on("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", "/here");
            exchange.sendResponseHeaders(302, 10_000_000);
            try (var out = exchange.getResponseBody()) {
                out.write(new byte[10_000_000]);
            } catch (IOException e) {
                // the fetcher hung up without reading, as it should
            }
        }).on("/here", exchange -> respond(exchange, 200, "text/plain", "here"));
        EgressPolicy capped = fetcher().policy().withMaxBodySize(DataSize.ofKilobytes(64));
        try (FetchResponse response = fetcher(capped).fetch(url("/moved"))) {
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("here");
        }
        assertThat(opener.bytesRead.get()).isLessThan(64 * 1024);
    }

    @Test
    void aRedirectWithoutLocationIsAnHttpError() {
        server.on("/nowhere", exchange -> exchange.sendResponseHeaders(302, -1));
        EgressRefusedException refusal = refusal(fetcher(), url("/nowhere"));
        assertThat(refusal.reason()).isEqualTo(Reason.HTTP_ERROR);
        assertThat(refusal.httpStatus()).hasValue(302);
    }

    @Test
    void oneDeadlineCoversEveryHop() {
        for (int hop = 1; hop <= 5; hop++) {
            String next = hop == 5 ? "/final" : "/slow" + (hop + 1);
            server.on("/slow" + hop, exchange -> {
                try {
                    release.await(400, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                redirect(exchange, 302, next);
            });
        }
        server.on("/final", exchange -> respond(exchange, 200, "text/plain", "too late"));
        SafeFetcher oneSecond = fetcher(fetcher().policy().withDeadline(Duration.ofSeconds(1)));
        long started = System.nanoTime();
        assertThat(refusal(oneSecond, url("/slow1")).reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 2_000L);
        assertThat(server.requestsTo("/final")).isZero();
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
