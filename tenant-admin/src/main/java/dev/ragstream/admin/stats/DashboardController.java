package dev.ragstream.admin.stats;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /admin/dashboard}: one server-rendered page with the tenant's figures and its most
 * recently changed documents (the gateway serves it as {@code /admin-dashboard} behind HTTP Basic).
 * Every value from the database is HTML-escaped; the page has no script.
 */
@RestController
class DashboardController {

    private static final int RECENT = 50;

    private final AdminRequests requests;
    private final TenantDataSources dataSources;
    private final StatsController stats;

    DashboardController(AdminRequests requests, TenantDataSources dataSources, StatsController stats) {
        this.requests = requests;
        this.dataSources = dataSources;
        this.stats = stats;
    }

    @GetMapping(path = "/admin/dashboard", produces = MediaType.TEXT_HTML_VALUE)
    String dashboard(HttpServletRequest request) {
        Tenant tenant = requests.tenant(request);
        Map<String, Object> figures = stats.stats(tenant);
        List<Map<String, Object>> recent;
        try {
            recent = dataSources.inTransaction(tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT filename, status, reason, chunk_count, size_bytes, updated_at FROM documents
                        WHERE status <> 'deleted' ORDER BY updated_at DESC, id LIMIT""" + " " + RECENT)) {
                    return Rows.query(ps);
                }
            });
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
        return page(tenant, figures, recent);
    }

    private static String page(Tenant tenant, Map<String, Object> figures, List<Map<String, Object>> recent) {
        String id = html(tenant.id().value());
        StringBuilder out = new StringBuilder(4096).append("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <title>ragstream · %s</title>
                <style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
                table{border-collapse:collapse;width:100%%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
                .n{text-align:right}.failed{color:#b00}.figures td:first-child{width:14rem}</style></head><body>
                <h1>Tenant %s</h1>
                <h2>Figures</h2><table class="figures">
                """.formatted(id, id));
        @SuppressWarnings("unchecked")
        Map<String, Object> byStatus = (Map<String, Object>) figures.get("documents");
        byStatus.forEach((status, n) -> row(out, "Documents " + status, n));
        row(out, "Chunks", figures.get("chunks"));
        row(out, "Chat sessions", figures.get("sessions"));
        row(out, "Messages today", figures.get("messages_today"));
        row(out, "Database size (MB)", String.format("%.1f", ((Number) figures.get("database_bytes")).longValue() / 1048576.0));
        out.append("</table>\n<h2>Recently changed documents</h2>\n");
        if (recent.isEmpty()) {
            out.append("<p>No documents yet.</p>\n");
        } else {
            out.append("<table><tr><th>File</th><th>Status</th><th class=\"n\">Chunks</th><th class=\"n\">KB</th><th>Updated</th></tr>\n");
            for (Map<String, Object> doc : recent) {
                String status = String.valueOf(doc.get("status"));
                Object reason = doc.get("reason");
                out.append("<tr><td>").append(html(doc.get("filename")))
                        .append("</td><td class=\"").append("failed".equals(status) ? "failed" : "").append("\">").append(html(status))
                        .append(reason == null ? "" : " (" + html(reason) + ")")
                        .append("</td><td class=\"n\">").append(html(doc.get("chunk_count")))
                        .append("</td><td class=\"n\">").append(((Number) doc.get("size_bytes")).longValue() / 1024)
                        .append("</td><td>").append(html(doc.get("updated_at"))).append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static void row(StringBuilder out, String label, Object value) {
        out.append("<tr><td>").append(html(label)).append("</td><td class=\"n\">").append(html(value)).append("</td></tr>\n");
    }

    private static String html(Object value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value.toString());
    }
}
