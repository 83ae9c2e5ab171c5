package dev.ragstream.ingest.pipeline;

import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The ingest worker's view of a tenant's {@code documents} rows. */
@Component
class DocumentStates {

    /** What the worker needs to know of a document before working on it. */
    record State(String status, int version, String markdown) {
        boolean isGone() {
            return status.equals("deleted") || status.equals("failed");
        }
    }

    private final TenantDataSources dataSources;
    private final JsonMapper json;

    DocumentStates(TenantDataSources dataSources, JsonMapper json) {
        this.dataSources = dataSources;
        this.json = json;
    }

    Optional<State> find(Tenant tenant, UUID id) {
        return run(tenant, "read document", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status, version, markdown FROM documents WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new State(rs.getString(1), rs.getInt(2), rs.getString(3))) : Optional.empty();
                }
            }
        });
    }

    /** Moves a queued (or re-delivered) document to {@code status}; false when it is no longer that version or gone. */
    boolean advance(Tenant tenant, UUID id, int version, String status) {
        return run(tenant, "update status", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents SET status = ?, updated_at = now()
                    WHERE id = ? AND version = ? AND status IN ('queued', 'converting', 'chunking')""")) {
                ps.setString(1, status);
                ps.setObject(2, id);
                ps.setInt(3, version);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Keeps the converted markdown of {@code version} and the metadata found in it; false (nothing
     * stored) when the document is no longer that version in the pipeline (cancelled, deleted, or a
     * newer version uploaded meanwhile, which must not get this version's text).
     */
    boolean storeMarkdown(Tenant tenant, UUID id, int version, String markdown, Map<String, String> metadata) {
        return run(tenant, "store markdown", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents SET markdown = ?, metadata = metadata || ?::jsonb, staged_at = NULL, updated_at = now()
                    WHERE id = ? AND version = ? AND status IN ('queued', 'converting', 'chunking')""")) {
                ps.setString(1, markdown);
                ps.setString(2, json.writeValueAsString(metadata));
                ps.setObject(3, id);
                ps.setInt(4, version);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private <T> T run(Tenant tenant, String what, TenantDataSources.TransactionWork<T> work) {
        try {
            return dataSources.inTransaction(tenant, work);
        } catch (SQLException e) {
            throw new RetryableException("tenant " + tenant.id() + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
