package dev.ragstream.admin.documents;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.AdminRequests.Page;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.tenant.DocumentQueue;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.schemas.DocumentUploaded;
import dev.ragstream.schemas.Topics;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /admin/documents}: the tenant's documents, from its own ragdb. */
@RestController
class DocumentsController {

    private static final Set<String> STATUSES = Set.of("queued", "converting", "chunking", "embedding", "indexed", "failed");
    private static final String COLUMNS = """
            id AS document_id, filename, content_type, size_bytes, sha256, source, status, reason, version,
            active_version, chunk_count, metadata, created_at, updated_at, indexed_at""";

    private final AdminRequests requests;
    private final TenantDataSources dataSources;
    private final EventPublisher events;

    DocumentsController(AdminRequests requests, TenantDataSources dataSources, EventPublisher events) {
        this.requests = requests;
        this.dataSources = dataSources;
        this.events = events;
    }

    @GetMapping("/admin/documents")
    Map<String, Object> list(HttpServletRequest request, @RequestParam(required = false) String status,
                             @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer size) {
        Page paging = Page.of(page, size);
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("invalid-status", "status must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        return read(requests.tenant(request), c -> {
            String where = status == null ? "status <> 'deleted'" : "status = ?";
            Object[] filter = status == null ? new Object[0] : new Object[] {status};
            List<Map<String, Object>> items;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM documents WHERE " + where
                    + " ORDER BY created_at DESC, id LIMIT " + paging.size() + " OFFSET " + paging.offset())) {
                items = Rows.query(ps, filter);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) AS n FROM documents WHERE " + where)) {
                return paging.answer(items, ((Number) Rows.query(ps, filter).get(0).get("n")).longValue());
            }
        });
    }

    @GetMapping("/admin/documents/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String id) {
        UUID documentId = AdminRequests.uuid(id, "Document");
        return read(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + ", length(markdown) AS markdown_chars FROM documents WHERE id = ? AND status <> 'deleted'")) {
                return Rows.query(ps, documentId).stream().findFirst().orElseThrow(() -> AdminRequests.notFound("Document"));
            }
        });
    }

    /** Takes the document out of search at once (its chunks go in the same transaction); in-flight events are discarded. */
    @DeleteMapping("/admin/documents/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id) {
        UUID documentId = AdminRequests.uuid(id, "Document");
        read(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents SET status = 'deleted', active_version = NULL, chunk_count = 0, markdown = NULL,
                                         updated_at = now()
                    WHERE id = ? AND status <> 'deleted'""")) {
                ps.setObject(1, documentId);
                if (ps.executeUpdate() == 0) {
                    throw AdminRequests.notFound("Document");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chunks WHERE document_id = ?")) {
                ps.setObject(1, documentId);
                ps.executeUpdate();
            }
            return null;
        });
        return ResponseEntity.noContent().build();
    }

    /**
     * Chunks and embeds the stored markdown again as a new version; the current version keeps
     * answering until the new one is indexed.
     */
    @PostMapping("/admin/documents/{id}/reindex")
    ResponseEntity<Map<String, Object>> reindex(HttpServletRequest request, @PathVariable String id) {
        Tenant tenant = requests.tenant(request);
        UUID documentId = AdminRequests.uuid(id, "Document");
        Map<String, Object> doc = read(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents SET version = version + 1, status = 'queued', reason = NULL, updated_at = now()
                    WHERE id = ? AND status IN ('indexed', 'failed') AND markdown IS NOT NULL
                    RETURNING id, filename, content_type, size_bytes, sha256, version""")) {
                List<Map<String, Object>> rows = Rows.query(ps, documentId);
                if (rows.isEmpty()) {
                    throw notReindexable(c, documentId);
                }
                Map<String, Object> row = new HashMap<>(rows.get(0));
                row.put("in_flight", DocumentQueue.inFlight(c));
                return row;
            }
        });
        int version = (Integer) doc.get("version");
        Topics.Lane lane = tenant.lane((Integer) doc.get("in_flight")); // a script reindexing everything goes bulk
        DocumentUploaded event = new DocumentUploaded(UUID.randomUUID(), tenant.id().value(), documentId, version,
                (String) doc.get("filename"), (String) doc.get("content_type"), ((Number) doc.get("size_bytes")).longValue(),
                ((String) doc.get("sha256")).strip(), null, Instant.now());
        events.publish(lane.uploads(), tenant.id().value(), documentId, event.eventId(),
                event.eventId().toString(), event);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("document_id", documentId.toString(), "status", "queued",
                "version", version));
    }

    private static ApiException notReindexable(java.sql.Connection c, UUID documentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, markdown IS NOT NULL AS converted FROM documents WHERE id = ? AND status <> 'deleted'")) {
            List<Map<String, Object>> rows = Rows.query(ps, documentId);
            if (rows.isEmpty()) {
                return AdminRequests.notFound("Document");
            }
            return Boolean.TRUE.equals(rows.get(0).get("converted"))
                    ? new ApiException(HttpStatus.CONFLICT, "document-busy", "Document is being processed; reindex it once it is indexed or failed")
                    : new ApiException(HttpStatus.CONFLICT, "document-not-converted", "Document has no converted text to reindex; upload it again");
        }
    }

    private <T> T read(Tenant tenant, dev.ragstream.platform.tenant.TenantDataSources.TransactionWork<T> work) {
        try {
            return dataSources.inTransaction(tenant, work);
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }
}
