package dev.ragstream.admin.widgets;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /admin/widgets}: list, read, create or replace ({@code PUT}), delete. */
@RestController
class WidgetsController {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MAX_SETTINGS_CHARS = 64 * 1024;

    private final AdminRequests requests;
    private final ChatDatabase chat;

    WidgetsController(AdminRequests requests, ChatDatabase chat) {
        this.requests = requests;
        this.chat = chat;
    }

    @GetMapping("/admin/widgets")
    Map<String, Object> list(HttpServletRequest request) {
        return Map.of("items", run(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT widget_key, settings, created_at, updated_at FROM widget_settings ORDER BY widget_key")) {
                return Rows.query(ps);
            }
        }));
    }

    @GetMapping("/admin/widgets/{key}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String key) {
        Tenant tenant = requests.tenant(request);
        return run(tenant, c -> one(c, key)).stream().findFirst().orElseThrow(() -> AdminRequests.notFound("Widget"));
    }

    @PutMapping("/admin/widgets/{key}")
    Map<String, Object> put(HttpServletRequest request, @PathVariable String key, @RequestBody JsonNode settings) {
        Tenant tenant = requests.tenant(request);
        if (!KEY.matcher(key).matches()) {
            throw ApiException.badRequest("invalid-widget-key", "Widget key must be 1-64 lowercase letters, digits, '-' or '_'");
        }
        if (settings == null || !settings.isObject() || settings.toString().length() > MAX_SETTINGS_CHARS) {
            throw ApiException.badRequest("invalid-widget-settings", "Widget settings must be a JSON object of at most 64 KB");
        }
        return run(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO widget_settings (tenant_id, widget_key, settings) VALUES (?, ?, ?::jsonb)
                    ON CONFLICT (tenant_id, widget_key) DO UPDATE SET settings = excluded.settings, updated_at = now()""")) {
                ps.setString(1, tenant.id().value());
                ps.setString(2, key);
                ps.setString(3, settings.toString());
                ps.executeUpdate();
            }
            return one(c, key).get(0);
        });
    }

    @DeleteMapping("/admin/widgets/{key}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String key) {
        int deleted = run(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM widget_settings WHERE widget_key = ?")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
        if (deleted == 0) {
            throw AdminRequests.notFound("Widget");
        }
        return ResponseEntity.noContent().build();
    }

    private static List<Map<String, Object>> one(java.sql.Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT widget_key, settings, created_at, updated_at FROM widget_settings WHERE widget_key = ?")) {
            return Rows.query(ps, key);
        }
    }

    private <T> T run(Tenant tenant, TenantDataSources.TransactionWork<T> work) {
        try {
            return chat.inTenant(tenant, work);
        } catch (SQLException e) {
            throw ApiException.unavailable("chatdb-unavailable", "The shared database is unavailable; please retry");
        }
    }
}
