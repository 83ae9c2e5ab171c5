package dev.ragstream.platform.kafka;

import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Marks a document {@code failed} with a reason in its tenant's ragdb when the pipeline gives up
 * on it. Idempotent; never overrides {@code indexed} or {@code deleted}, and a document already
 * {@code failed} keeps its first reason (e.g. {@code cancelled}: a worker that was still busy with it
 * does not turn it into another failure).
 */
public final class FailedDocuments implements PipelineFailures {

    private final TenantRegistry tenants;
    private final TenantDataSources dataSources;

    public FailedDocuments(TenantRegistry tenants, TenantDataSources dataSources) {
        this.tenants = tenants;
        this.dataSources = dataSources;
    }

    /** @throws RetryableException when the tenant's database cannot be written (the record is then retried) */
    @Override
    public void failed(String tenantId, UUID documentId, String reason) {
        var tenant = tenants.find(tenantId);
        if (tenant.isEmpty()) {
            return;
        }
        try {
            dataSources.inTransaction(tenant.get(), c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE documents SET status = 'failed', reason = ?, updated_at = now()
                        WHERE id = ? AND status NOT IN ('indexed', 'deleted', 'failed')""")) {
                    ps.setString(1, reason);
                    ps.setObject(2, documentId);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new RetryableException("tenant " + tenantId + ": cannot mark document " + documentId + " failed", e);
        }
    }
}
