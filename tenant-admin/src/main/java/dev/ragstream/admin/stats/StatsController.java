package dev.ragstream.admin.stats;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/stats}, from the tenant's own ragdb. */
@RestController
class StatsController {

    private final AdminRequests requests;
    private final TenantDataSources dataSources;

    StatsController(AdminRequests requests, TenantDataSources dataSources) {
        this.requests = requests;
        this.dataSources = dataSources;
    }

    @GetMapping("/admin/stats")
    Map<String, Object> stats(HttpServletRequest request) {
        return stats(requests.tenant(request));
    }

    /** Documents per status, chunks, sessions, today's messages and the database size of one tenant. */
    Map<String, Object> stats(Tenant tenant) {
        try {
            return dataSources.inTransaction(tenant, c -> {
                Map<String, Object> byStatus = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT status, count(*) AS n FROM documents WHERE status <> 'deleted' GROUP BY status ORDER BY status")) {
                    Rows.query(ps).forEach(row -> byStatus.put((String) row.get("status"), row.get("n")));
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT (SELECT count(*) FROM chunks) AS chunks,
                               (SELECT count(*) FROM chat_sessions) AS sessions,
                               (SELECT count(*) FROM chat_messages WHERE created_at >= date_trunc('day', now())) AS messages_today,
                               pg_database_size(current_database()) AS database_bytes""")) {
                    Map<String, Object> stats = new LinkedHashMap<>();
                    stats.put("documents", byStatus);
                    stats.putAll(Rows.query(ps).get(0));
                    return stats;
                }
            });
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }
}
