package dev.ragstream.admin.cli;

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
 * A small HTTP server speaking the gateway's admin contract for documents, for one tenant
 * ({@code X-Tenant-ID}) and its admin key ({@code X-API-Key}): {@code GET /admin/documents?status=&page=&size=}
 * (size 1–100, newest first), {@code GET /admin/documents/<id>} and {@code POST /admin/documents/<id>/reindex}
 * (202 with the new version; 409 unless indexed or failed with converted text). A reindexed
 * document reports {@code queued} on its first poll, then {@code indexed} — or {@code failed}
 * when its name contains "broken", or {@code queued} for ever when it contains "stuck".
 */
final class LocalAdminGateway implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DOCUMENT = Pattern.compile("/admin/documents/([^/]+)(/reindex)?");

    /** One stored document; mutable like the row it stands for. */
    static final class Doc {
        final String id = UUID.randomUUID().toString();
        final String filename;
        final boolean converted;
        volatile String status;
        volatile int version = 1;
        volatile int polls;

        Doc(String filename, String status, boolean converted) {
            this.filename = filename;
            this.status = status;
            this.converted = converted;
        }
    }

    private final HttpServer server;
    private final String tenant;
    private final String key;
    private final Map<String, Doc> documents = Collections.synchronizedMap(new LinkedHashMap<>());
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Boolean> reindexed = new ConcurrentHashMap<>();

    LocalAdminGateway(String tenant, String key) throws IOException {
        this.tenant = tenant;
        this.key = key;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/admin", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stores a document; the newest is listed first, like the real API. */
    Doc add(String filename, String status, boolean converted) {
        Doc doc = new Doc(filename, status, converted);
        documents.put(doc.id, doc);
        return doc;
    }

    /** The requests that reindexed a document, as "POST /admin/documents/<id>/reindex". */
    List<String> reindexRequests() {
        return requests.stream().filter(r -> r.startsWith("POST ")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + path);
            Matcher one = DOCUMENT.matcher(path);
            if (!tenant.equals(exchange.getRequestHeaders().getFirst("X-Tenant-ID"))) {
                problem(exchange, 404, "tenant-not-found", "Tenant not found");
            } else if (!key.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
                problem(exchange, 401, "unauthorized", "Invalid API key");
            } else if (path.equals("/admin/documents") && method.equals("GET")) {
                list(exchange, query(exchange));
            } else if (one.matches() && one.group(2) == null && method.equals("GET")) {
                show(exchange, documents.get(one.group(1)));
            } else if (one.matches() && one.group(2) != null && method.equals("POST")) {
                reindex(exchange, documents.get(one.group(1)));
            } else {
                problem(exchange, 404, "not-found", "No endpoint " + path);
            }
        }
    }

    private void list(HttpExchange exchange, Map<String, String> query) throws IOException {
        int page = Integer.parseInt(query.getOrDefault("page", "0"));
        int size = Integer.parseInt(query.getOrDefault("size", "20"));
        if (page < 0 || size < 1 || size > 100) {
            problem(exchange, 400, "invalid-paging", "page must be >= 0 and size between 1 and 100");
            return;
        }
        List<Doc> matching;
        synchronized (documents) {
            matching = new ArrayList<>(documents.values().stream()
                    .filter(d -> !query.containsKey("status") || d.status.equals(query.get("status"))).toList());
        }
        Collections.reverse(matching);
        List<Map<String, Object>> items = matching.stream().skip((long) page * size).limit(size).map(this::view).toList();
        json(exchange, 200, Map.of("items", items, "page", page, "size", size, "total", matching.size()));
    }

    private void show(HttpExchange exchange, Doc doc) throws IOException {
        if (doc == null) {
            problem(exchange, 404, "document-not-found", "Document not found");
            return;
        }
        if (reindexed.containsKey(doc.id) && doc.polls++ > 0 && doc.status.equals("queued") && !doc.filename.contains("stuck")) {
            doc.status = doc.filename.contains("broken") ? "failed" : "indexed";
        }
        json(exchange, 200, view(doc));
    }

    private void reindex(HttpExchange exchange, Doc doc) throws IOException {
        if (doc == null) {
            problem(exchange, 404, "document-not-found", "Document not found");
        } else if (!doc.converted) {
            problem(exchange, 409, "document-not-converted", "Document has no converted text to reindex; upload it again");
        } else if (!doc.status.equals("indexed") && !doc.status.equals("failed")) {
            problem(exchange, 409, "document-busy", "Document is being processed; reindex it once it is indexed or failed");
        } else {
            doc.version++;
            doc.status = "queued";
            doc.polls = 0;
            reindexed.put(doc.id, true);
            json(exchange, 202, Map.of("document_id", doc.id, "status", "queued", "version", doc.version));
        }
    }

    private Map<String, Object> view(Doc doc) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("document_id", doc.id);
        view.put("filename", doc.filename);
        view.put("status", doc.status);
        view.put("reason", doc.status.equals("failed") ? "unsupported_type" : null);
        view.put("version", doc.version);
        return view;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return query;
    }

    private static void problem(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(Map.of("type", "https://ragstream.dev/problems/" + type, "title", "Error",
                "status", status, "detail", message, "error", message));
        send(exchange, status, "application/problem+json", bytes);
    }

    private static void json(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
