package dev.ragstream.gateway.upload;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's reads and writes of a tenant's {@code documents} table. */
@Component
class DocumentRows {

    private final TenantDataSources dataSources;

    DocumentRows(TenantDataSources dataSources) {
        this.dataSources = dataSources;
    }

    /** Inserts the queued rows (the outbox of the upload events) of one job, in one transaction. */
    void insertQueued(Tenant tenant, UUID jobId, List<UploadIntake.Staged> files, Instant acceptedAt) throws SQLException {
        dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO documents (id, job_id, filename, content_type, size_bytes, sha256, source, metadata, status,
                                           version, staged_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'queued', 1, ?, ?, ?)""")) {
                for (UploadIntake.Staged file : files) {
                    ps.setObject(1, file.documentId());
                    ps.setObject(2, jobId);
                    ps.setString(3, file.filename());
                    ps.setString(4, file.contentType());
                    ps.setLong(5, file.staged().sizeBytes());
                    ps.setString(6, file.staged().sha256());
                    ps.setString(7, file.sourceUrl() == null ? "upload" : "url");
                    ps.setString(8, file.sourceUrl() == null ? "{}"
                            : JsonMapper.shared().writeValueAsString(Map.of("source_url", file.sourceUrl().toString())));
                    ps.setString(9, file.staged().reference().toString());
                    ps.setTimestamp(10, Timestamp.from(acceptedAt));
                    ps.setTimestamp(11, Timestamp.from(acceptedAt));
                    ps.addBatch();
                }
                return ps.executeBatch().length;
            }
        });
    }

    /** Documents of the tenant still waiting for or in the pipeline. */
    int inFlight(Tenant tenant) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM documents WHERE status IN ('queued', 'converting', 'chunking', 'embedding')");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** The documents of one upload job, empty when the tenant has no such job. */
    List<Map<String, Object>> job(Tenant tenant, UUID jobId) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, filename, content_type, size_bytes, source, metadata->>'source_url' AS source_url, status,
                           reason, version, active_version, chunk_count, created_at, updated_at, indexed_at
                    FROM documents WHERE job_id = ? ORDER BY created_at, filename""")) {
                ps.setObject(1, jobId);
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(view(rs));
                    }
                }
                return rows;
            }
        });
    }

    /** The status view of a document, empty when the tenant has no such document. */
    Optional<Map<String, Object>> status(Tenant tenant, UUID id) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, filename, content_type, size_bytes, source, metadata->>'source_url' AS source_url, status,
                           reason, version, active_version, chunk_count, created_at, updated_at, indexed_at
                    FROM documents WHERE id = ? AND status <> 'deleted'""")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(view(rs)) : Optional.empty();
                }
            }
        });
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("document_id", rs.getObject("id").toString());
        view.put("filename", rs.getString("filename"));
        view.put("content_type", rs.getString("content_type"));
        view.put("size_bytes", rs.getLong("size_bytes"));
        view.put("source", rs.getString("source"));
        if (rs.getString("source_url") != null) {
            view.put("source_url", rs.getString("source_url"));
        }
        view.put("status", rs.getString("status"));
        view.put("reason", rs.getString("reason"));
        view.put("version", rs.getInt("version"));
        view.put("active_version", rs.getObject("active_version"));
        view.put("chunk_count", rs.getInt("chunk_count"));
        view.put("created_at", instant(rs, "created_at"));
        view.put("updated_at", instant(rs, "updated_at"));
        view.put("indexed_at", instant(rs, "indexed_at"));
        return view;
    }

    private static String instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant().toString();
    }
}
