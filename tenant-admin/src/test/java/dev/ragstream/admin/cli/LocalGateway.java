package dev.ragstream.admin.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP server speaking the gateway's upload contract for one tenant: {@code POST /upload}
 * (multipart {@code file}, {@code X-API-Key}) answering 202 {@code {document_id, status, status_url}}
 * (200 {@code status: duplicate} for bytes it already has) or problem+json with {@code error}, and {@code GET /upload/status/<id>}, which reports a document
 * {@code queued} on the first poll and then {@code indexed} (or {@code failed} when its name
 * contains "broken").
 */
final class LocalGateway implements AutoCloseable {

    /** One file the gateway accepted. */
    record Received(String filename, String contentType, byte[] content) {
    }

    static final long MAX_BYTES = 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    private final HttpServer server;
    private final String tenant;
    private final String key;
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, Integer> polls = new ConcurrentHashMap<>();
    private final Map<String, String> contents = new ConcurrentHashMap<>();

    LocalGateway(String tenant, String key) throws IOException {
        this.tenant = tenant;
        this.key = key;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/upload", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + "?" + exchange.getRequestURI().getQuery());
            String query = exchange.getRequestURI().getQuery();
            if (!(("tenant=" + tenant).equals(query) || query.matches("tenant=" + java.util.regex.Pattern.quote(tenant)
                    + "&job=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))) {
                problem(exchange, 404, "tenant-not-found", "Tenant not found");
            } else if (!key.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
                problem(exchange, 401, "unauthorized", exchange.getRequestHeaders().containsKey("X-API-Key")
                        ? "Invalid API key" : "Missing API key");
            } else if (path.equals("/upload") && exchange.getRequestMethod().equals("POST")) {
                upload(exchange);
            } else if (path.startsWith("/upload/status/") && exchange.getRequestMethod().equals("GET")) {
                status(exchange, path.substring("/upload/status/".length()));
            } else {
                problem(exchange, 404, "not-found", "No endpoint " + path);
            }
        }
    }

    private void upload(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), ISO_8859_1);
        int headersEnd = body.indexOf("\r\n\r\n");
        String headers = body.substring(0, headersEnd);
        byte[] content = body.substring(headersEnd + 4, body.indexOf("\r\n--" + boundary + "--")).getBytes(ISO_8859_1);
        Matcher filename = FILENAME.matcher(headers);
        if (!headers.contains("name=\"file\"") || !filename.find()) {
            problem(exchange, 400, "no-file", "No file uploaded");
            return;
        }
        if (content.length > MAX_BYTES) {
            problem(exchange, 413, "file-too-large", "File exceeds the maximum upload size of 1 KB");
            return;
        }
        String name = new String(filename.group(1).getBytes(ISO_8859_1), UTF_8);
        String contentType = headers.replaceAll("(?s).*Content-Type: ([^\r\n]*).*", "$1");
        received.add(new Received(name, contentType, content));
        String known = contents.get(new String(content, ISO_8859_1));
        if (known != null) {
            json(exchange, 200, "application/json", Map.of("document_id", known, "status", "duplicate",
                    "existing_status", "indexed", "status_url", "/upload/status/" + known + "?tenant=" + tenant));
            return;
        }
        String id = UUID.randomUUID().toString();
        contents.put(new String(content, ISO_8859_1), id);
        documents.put(id, name);
        json(exchange, 202, "application/json", Map.of("document_id", id, "status", "queued",
                "status_url", "/upload/status/" + id + "?tenant=" + tenant));
    }

    private void status(HttpExchange exchange, String id) throws IOException {
        String name = documents.get(id);
        if (name == null) {
            problem(exchange, 404, "document-not-found", "Document not found");
            return;
        }
        boolean first = polls.merge(id, 1, Integer::sum) == 1;
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("document_id", id);
        view.put("filename", name);
        view.put("status", first ? "queued" : name.contains("broken") ? "failed" : "indexed");
        view.put("reason", !first && name.contains("broken") ? "unsupported_type" : null);
        json(exchange, 200, "application/json", view);
    }

    private static void problem(HttpExchange exchange, int status, String type, String message) throws IOException {
        json(exchange, status, "application/problem+json", Map.of("type", "https://ragstream.dev/problems/" + type,
                "title", "Error", "status", status, "detail", message, "error", message));
    }

    private static void json(HttpExchange exchange, int status, String type, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
