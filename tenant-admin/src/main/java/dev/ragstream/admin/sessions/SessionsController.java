package dev.ragstream.admin.sessions;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.AdminRequests.Page;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /admin/sessions}: chat sessions, newest activity first, and one session's messages with their sources. */
@RestController
class SessionsController {

    private final AdminRequests requests;
    private final TenantDataSources dataSources;

    SessionsController(AdminRequests requests, TenantDataSources dataSources) {
        this.requests = requests;
        this.dataSources = dataSources;
    }

    @GetMapping("/admin/sessions")
    Map<String, Object> list(HttpServletRequest request, @RequestParam(required = false) Integer page,
                             @RequestParam(required = false) Integer size) {
        Page paging = Page.of(page, size);
        try {
            return dataSources.inTransaction(requests.tenant(request), c -> {
                List<Map<String, Object>> items;
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT id AS session_id, created_at, last_active_at, message_count FROM chat_sessions
                        ORDER BY last_active_at DESC, id LIMIT ? OFFSET ?""")) {
                    items = Rows.query(ps, paging.size(), paging.offset());
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) AS n FROM chat_sessions")) {
                    return paging.answer(items, ((Number) Rows.query(ps).get(0).get("n")).longValue());
                }
            });
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    @GetMapping("/admin/sessions/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String id) {
        try {
            return dataSources.inTransaction(requests.tenant(request), c -> {
                Map<String, Object> session;
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT id AS session_id, created_at, last_active_at, message_count FROM chat_sessions WHERE id = ?""")) {
                    session = Rows.query(ps, id).stream().findFirst().orElseThrow(() -> AdminRequests.notFound("Session"));
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT role, content, sources, provider, model, prompt_tokens, completion_tokens, latency_ms, complete,
                               created_at
                        FROM chat_messages WHERE session_id = ? ORDER BY created_at, id""")) {
                    Map<String, Object> answer = new LinkedHashMap<>(session);
                    answer.put("messages", Rows.query(ps, id));
                    return answer;
                }
            });
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }
}
