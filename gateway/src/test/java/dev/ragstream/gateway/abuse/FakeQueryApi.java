package dev.ragstream.gateway.abuse;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local HTTP server speaking the query API's {@code /internal/chat} wire format; records the bodies it got. */
public final class FakeQueryApi implements AutoCloseable {

    private static final byte[] ANSWER =
            "{\"response\":\"ok\",\"sources\":[],\"context_used\":false}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    public FakeQueryApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake query API", e);
        }
        server.createContext("/internal/chat", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ANSWER.length);
            exchange.getResponseBody().write(ANSWER);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every chat body the gateway forwarded, in order. */
    public List<String> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
