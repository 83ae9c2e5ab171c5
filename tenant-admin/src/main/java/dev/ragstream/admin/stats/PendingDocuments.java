package dev.ragstream.admin.stats;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code ragstream_documents_pending{tenant,status}}: each tenant's documents waiting
 * for or in the pipeline, per status, counted in its own ragdb every
 * {@code ragstream.admin.pending-interval} (15 s). A tenant that is gone loses its gauges.
 */
@Component
class PendingDocuments {

    private static final Logger log = LoggerFactory.getLogger(PendingDocuments.class);
    private static final List<String> STATUSES = List.of("queued", "converting", "chunking", "embedding");

    private final TenantRegistry tenants;
    private final TenantDataSources dataSources;
    private final MeterRegistry registry;
    private final Map<String, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();

    PendingDocuments(TenantRegistry tenants, TenantDataSources dataSources, MeterRegistry registry) {
        this.tenants = tenants;
        this.dataSources = dataSources;
        this.registry = registry;
    }

    @Scheduled(fixedDelayString = "${ragstream.admin.pending-interval:15s}", initialDelayString = "${ragstream.admin.pending-interval:15s}")
    void count() {
        Set<String> present = tenants.all().stream().map(t -> t.id().value()).collect(Collectors.toSet());
        counts.keySet().removeIf(id -> {
            boolean gone = !present.contains(id);
            if (gone) {
                registry.find("ragstream.documents.pending").tag("tenant", id).meters().forEach(registry::remove);
            }
            return gone;
        });
        for (Tenant tenant : tenants.all()) {
            try {
                Map<String, Long> pending = pending(tenant);
                Map<String, AtomicLong> gauges = counts.computeIfAbsent(tenant.id().value(), id -> register(id));
                STATUSES.forEach(status -> gauges.get(status).set(pending.getOrDefault(status, 0L)));
            } catch (SQLException e) { // the gauge keeps its last value; the next round tries again
                log.warn("Tenant {}: cannot count its pending documents: SQL state {}", tenant.id(), e.getSQLState());
            }
        }
    }

    private Map<String, AtomicLong> register(String tenant) {
        Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
        for (String status : STATUSES) {
            AtomicLong value = new AtomicLong();
            Gauge.builder("ragstream.documents.pending", value, AtomicLong::get).tag("tenant", tenant).tag("status", status)
                    .description("documents waiting for or in the pipeline").register(registry);
            gauges.put(status, value);
        }
        return gauges;
    }

    private Map<String, Long> pending(Tenant tenant) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, count(*) FROM documents WHERE status IN ('queued', 'converting', 'chunking', 'embedding')"
                            + " GROUP BY status");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, Long> pending = new java.util.HashMap<>();
                while (rs.next()) {
                    pending.put(rs.getString(1), rs.getLong(2));
                }
                return pending;
            }
        });
    }
}
