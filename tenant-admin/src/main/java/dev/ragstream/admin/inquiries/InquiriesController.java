package dev.ragstream.admin.inquiries;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.AdminRequests.Page;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /admin/inquiries}: newest first; row-level security shows only the tenant's own. */
@RestController
class InquiriesController {

    private final AdminRequests requests;
    private final ChatDatabase chat;

    InquiriesController(AdminRequests requests, ChatDatabase chat) {
        this.requests = requests;
        this.chat = chat;
    }

    @GetMapping("/admin/inquiries")
    Map<String, Object> list(HttpServletRequest request, @RequestParam(required = false) Integer page,
                             @RequestParam(required = false) Integer size) {
        Page paging = Page.of(page, size);
        try {
            return chat.inTenant(requests.tenant(request), c -> {
                List<Map<String, Object>> items;
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT id AS inquiry_id, widget_key, name, email, message, created_at FROM inquiries
                        ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?""")) {
                    items = Rows.query(ps, paging.size(), paging.offset());
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) AS n FROM inquiries")) {
                    return paging.answer(items, ((Number) Rows.query(ps).get(0).get("n")).longValue());
                }
            });
        } catch (SQLException e) {
            throw ApiException.unavailable("chatdb-unavailable", "The shared database is unavailable; please retry");
        }
    }
}
