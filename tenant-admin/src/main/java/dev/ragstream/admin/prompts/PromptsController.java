package dev.ragstream.admin.prompts;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /admin/prompts}: templates by id; making one active deactivates the others in the same transaction. */
@RestController
class PromptsController {

    private static final String COLUMNS = "id AS prompt_id, name, template, active, created_at, updated_at";
    private static final int MAX_TEMPLATE_CHARS = 20_000;

    private final AdminRequests requests;
    private final ChatDatabase chat;

    PromptsController(AdminRequests requests, ChatDatabase chat) {
        this.requests = requests;
        this.chat = chat;
    }

    @GetMapping("/admin/prompts")
    Map<String, Object> list(HttpServletRequest request) {
        return Map.of("items", run(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM prompts ORDER BY id")) {
                return Rows.query(ps);
            }
        }));
    }

    @GetMapping("/admin/prompts/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable String id) {
        long promptId = id(id);
        return run(requests.tenant(request), c -> one(c, promptId)).stream().findFirst()
                .orElseThrow(() -> AdminRequests.notFound("Prompt"));
    }

    @PostMapping("/admin/prompts")
    ResponseEntity<Map<String, Object>> create(HttpServletRequest request, @RequestBody JsonNode body) {
        Tenant tenant = requests.tenant(request);
        String name = required(body, "name", 200);
        String template = required(body, "template", MAX_TEMPLATE_CHARS);
        boolean active = body.path("active").asBoolean(false);
        Map<String, Object> created = run(tenant, c -> {
            if (active) {
                deactivateAll(c);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO prompts (tenant_id, name, template, active) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS)) {
                return Rows.query(ps, tenant.id().value(), name, template, active).get(0);
            }
        });
        return ResponseEntity.status(HttpStatus.CREATED).body(created);
    }

    @PutMapping("/admin/prompts/{id}")
    Map<String, Object> update(HttpServletRequest request, @PathVariable String id, @RequestBody JsonNode body) {
        long promptId = id(id);
        Tenant tenant = requests.tenant(request);
        String name = body.has("name") ? required(body, "name", 200) : null;
        String template = body.has("template") ? required(body, "template", MAX_TEMPLATE_CHARS) : null;
        Boolean active = body.has("active") ? body.path("active").asBoolean() : null;
        return run(tenant, c -> {
            if (one(c, promptId).isEmpty()) {
                throw AdminRequests.notFound("Prompt");
            }
            if (Boolean.TRUE.equals(active)) {
                deactivateAll(c);
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE prompts SET name = coalesce(?, name), template = coalesce(?, template),
                                       active = coalesce(?, active), updated_at = now()
                    WHERE id = ? RETURNING\s""" + COLUMNS)) {
                return Rows.query(ps, name, template, active, promptId).get(0);
            }
        });
    }

    @DeleteMapping("/admin/prompts/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable String id) {
        long promptId = id(id);
        int deleted = run(requests.tenant(request), c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM prompts WHERE id = ?")) {
                ps.setLong(1, promptId);
                return ps.executeUpdate();
            }
        });
        if (deleted == 0) {
            throw AdminRequests.notFound("Prompt");
        }
        return ResponseEntity.noContent().build();
    }

    private static void deactivateAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE prompts SET active = false, updated_at = now() WHERE active")) {
            ps.executeUpdate();
        }
    }

    private static List<Map<String, Object>> one(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM prompts WHERE id = ?")) {
            return Rows.query(ps, id);
        }
    }

    private static long id(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw AdminRequests.notFound("Prompt");
        }
    }

    private static String required(JsonNode body, String field, int maxChars) {
        JsonNode node = body == null ? null : body.get(field);
        String value = node == null || !node.isString() ? null : node.asString().strip();
        if (value == null || value.isEmpty() || value.length() > maxChars) {
            throw ApiException.badRequest("invalid-" + field, "'" + field + "' is required (at most " + maxChars + " characters)");
        }
        return value;
    }

    private <T> T run(Tenant tenant, TenantDataSources.TransactionWork<T> work) {
        try {
            return chat.inTenant(tenant, work);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new ApiException(HttpStatus.CONFLICT, "prompt-name-taken", "A prompt with this name exists already");
            }
            throw ApiException.unavailable("chatdb-unavailable", "The shared database is unavailable; please retry");
        }
    }
}
