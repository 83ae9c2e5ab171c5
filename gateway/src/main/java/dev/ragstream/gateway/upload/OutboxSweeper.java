package dev.ragstream.gateway.upload;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentUploaded;
import dev.ragstream.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The other half of the outbox: documents {@code queued} without progress for
 * {@code ragstream.gateway.outbox.republish-after} get their upload event again (the gateway may have
 * stopped between committing the row and publishing). Each row is touched before it is published,
 * so it comes round again only after another full period; replicas skip a tenant another replica is
 * sweeping (transaction-scoped advisory lock). Consumers ignore an event whose version is done.
 * The same sweep deletes the tenant's orphaned staged files: older than
 * {@code ragstream.gateway.outbox.orphan-after} and referred to by no document that is not deleted
 * (looked for every sixth of that time).
 */
@Component
class OutboxSweeper {

    private static final Logger log = LoggerFactory.getLogger(OutboxSweeper.class);

    private final TenantRegistry tenants;
    private final TenantDataSources dataSources;
    private final EventPublisher events;
    private final TenantMetrics metrics;
    private final StagingStore staging;
    private final GatewayProperties.Outbox settings;
    /**
     * When each tenant's staged files were last looked through for orphans (nano time): a file is an orphan only once
     * it is {@code orphan-after} old, so every sixth of that is often enough — listing a backlog of 150,000 staged
     * files took a second of CPU, every minute, in bench gateway.
     */
    private final Map<TenantId, Long> orphansSweptAt = new ConcurrentHashMap<>();

    OutboxSweeper(TenantRegistry tenants, TenantDataSources dataSources, EventPublisher events, TenantMetrics metrics,
                  StagingStore staging, GatewayProperties gateway) {
        this.tenants = tenants;
        this.dataSources = dataSources;
        this.events = events;
        this.metrics = metrics;
        this.staging = staging;
        this.settings = gateway.outbox();
    }

    @Scheduled(fixedDelayString = "${ragstream.gateway.outbox.sweep-interval:60s}",
            initialDelayString = "${ragstream.gateway.outbox.sweep-interval:60s}")
    void sweep() {
        long now = System.nanoTime();
        for (Tenant tenant : tenants.all()) {
            try {
                sweep(tenant);
                Long swept = orphansSweptAt.get(tenant.id());
                if (swept == null || now - swept >= settings.orphanAfter().toNanos() / 6) {
                    orphansSweptAt.put(tenant.id(), now);
                    deleteOrphans(tenant);
                }
            } catch (SQLException | IOException | RuntimeException e) { // one tenant's outage must not stop the others' sweep
                log.warn("Tenant {}: upload sweep failed: {}", tenant.id(), e instanceof SQLException sql
                        ? "SQL state " + sql.getSQLState() : e.toString());
            }
        }
    }

    /** @return how many orphaned staged files were deleted */
    int deleteOrphans(Tenant tenant) throws SQLException, IOException {
        List<URI> old = staging.stagedBefore(tenant.id(), Instant.now().minus(settings.orphanAfter()));
        if (old.isEmpty()) {
            return 0;
        }
        Set<String> referenced = dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT staged_at FROM documents WHERE staged_at = ANY (?) AND status <> 'deleted'")) {
                ps.setArray(1, c.createArrayOf("text", old.stream().map(URI::toString).toArray()));
                Set<String> found = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
                return found;
            }
        });
        int deleted = 0;
        for (URI file : old) {
            if (!referenced.contains(file.toString())) {
                staging.delete(file);
                deleted++;
            }
        }
        if (deleted > 0) {
            log.info("Tenant {}: deleted {} orphaned staged files", tenant.id(), deleted);
        }
        return deleted;
    }

    /** @return how many events were re-published */
    int sweep(Tenant tenant) throws SQLException {
        List<DocumentUploaded> stuck = dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtextextended('ragstream-outbox', 0))");
                 ResultSet locked = lock.executeQuery()) {
                if (!locked.next() || !locked.getBoolean(1)) {
                    return List.<DocumentUploaded>of();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents SET updated_at = now()
                    WHERE id IN (SELECT id FROM documents
                                 WHERE status = 'queued' AND updated_at < now() - make_interval(secs => ?)
                                 ORDER BY updated_at LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING id, version, filename, content_type, size_bytes, sha256, staged_at, created_at""")) {
                ps.setDouble(1, settings.republishAfter().toMillis() / 1000.0);
                ps.setInt(2, settings.batch());
                List<DocumentUploaded> found = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String staged = rs.getString("staged_at");
                        found.add(new DocumentUploaded(UUID.randomUUID(), tenant.id().value(), rs.getObject("id", UUID.class),
                                rs.getInt("version"), rs.getString("filename"), rs.getString("content_type"),
                                rs.getLong("size_bytes"), rs.getString("sha256").strip(),
                                staged == null ? null : URI.create(staged), rs.getTimestamp("created_at").toInstant()));
                    }
                }
                return found;
            }
        });
        int published = 0;
        for (DocumentUploaded event : stuck) {
            try {
                // the bulk lane: a re-published event waits behind its own tenant's backlog, not in front of others
                events.publish(Topics.BULK_UPLOADS, tenant.id().value(), event.documentId(), event.eventId(),
                        event.eventId().toString(), event);
                published++;
                metrics.count("outbox.republished", tenant.id().value());
            } catch (RetryableException e) {
                log.warn("Tenant {}: re-publishing {} failed; next sweep: {}", tenant.id(), event.documentId(), e.getMessage());
                break; // the broker is away: the rest waits for the next sweep
            }
        }
        if (published > 0) {
            log.info("Tenant {}: re-published {} upload events stuck in queued", tenant.id(), published);
        }
        return published;
    }
}
