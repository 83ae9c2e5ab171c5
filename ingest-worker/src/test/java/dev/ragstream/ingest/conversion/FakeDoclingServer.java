package dev.ragstream.ingest.conversion;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for docling-serve that speaks its wire format on {@code POST /v1/convert/file}:
 * it answers with a given status and JSON body, or hangs until closed. Records the calls.
 */
final class FakeDoclingServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile boolean hang;
    private volatile String lastRequest = "";
    private volatile String lastContentType = "";

    FakeDoclingServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The base URL, as a tenant would set it in DOCLING_SERVICE_URL. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void answer(int status, String json) {
        this.status = status;
        this.body = json;
        this.hang = false;
    }

    /** From now on, takes requests and never answers them (until closed). */
    void hang() {
        this.hang = true;
    }

    int calls() {
        return calls.get();
    }

    /** The last request's body, bytes read as ISO-8859-1, with its method and path in front. */
    String lastRequest() {
        return lastRequest;
    }

    String lastContentType() {
        return lastContentType;
    }

    private void handle(HttpExchange exchange) throws IOException {
        calls.incrementAndGet();
        lastContentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        lastRequest = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + "\n"
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (hang) {
            awaitClose();
        }
        byte[] answer = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
