package dev.ragstream.query.widget;

import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.ChatDatabase;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The customer widget's public API behind the gateway: {@code GET /internal/widget-config} (the
 * public subset of a widget's settings) and {@code POST /internal/inquiries} (a visitor's name,
 * e-mail and message from a widget whose lead form is on, stored in chatdb for the admin API).
 */
@RestController
class WidgetController {

    static final int MAX_NAME = 200;
    static final int MAX_EMAIL = 254;
    static final int MAX_INQUIRY_MESSAGE = 5_000;
    /** A practical address check: one {@code @}, a dot-atom local part, a host name of labels with a dot. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\r\\t]]|[\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]");
    private static final Logger log = LoggerFactory.getLogger(WidgetController.class);

    private final TenantRegistry tenants;
    private final Widgets widgets;
    private final ChatDatabase chatDatabase;
    private final TenantMetrics metrics;

    WidgetController(TenantRegistry tenants, Widgets widgets, ChatDatabase chatDatabase, TenantMetrics metrics) {
        this.tenants = tenants;
        this.widgets = widgets;
        this.chatDatabase = chatDatabase;
        this.metrics = metrics;
    }

    @GetMapping("/internal/widget-config")
    Map<String, Object> config(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
                               @RequestParam(required = false) String widget) {
        Tenant tenant = tenant(tenantId);
        return widgets.find(tenant, blankToNull(widget)).publicView(tenant.id());
    }

    @PostMapping("/internal/inquiries")
    ResponseEntity<Map<String, Object>> inquiry(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId,
                                                @RequestBody JsonNode body) {
        Tenant tenant = tenant(tenantId);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("invalid-body", "Request body must be a JSON object");
        }
        Widgets.Widget widget = widgets.find(tenant, blankToNull(field(body, "widget_key")));
        if (!widget.leadForm()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "lead-form-disabled", "This widget does not take inquiries");
        }
        String name = required(body, "name", MAX_NAME);
        if (name.contains("\n") || name.contains("\r")) {
            throw ApiException.badRequest("invalid-name", "name must be one line");
        }
        String email = required(body, "email", MAX_EMAIL);
        if (!EMAIL.matcher(email).matches() || email.indexOf('@') > 64) {
            throw ApiException.badRequest("invalid-email", "email is not a valid e-mail address");
        }
        String message = required(body, "message", MAX_INQUIRY_MESSAGE);
        long id;
        try {
            id = chatDatabase.inTenant(tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO inquiries (tenant_id, widget_key, name, email, message) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                    ps.setString(1, tenant.id().value());
                    ps.setString(2, widget.key());
                    ps.setString(3, name);
                    ps.setString(4, email);
                    ps.setString(5, message);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            log.error("Tenant {}: cannot store an inquiry (SQL state {})", tenant.id(), e.getSQLState());
            throw ApiException.unavailable("chatdb-unavailable", "The inquiry could not be stored; please retry");
        }
        metrics.count("inquiries.received", tenant.id().value(), "widget", widget.key());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("inquiry_id", id);
        reply.put("status", "received");
        return ResponseEntity.status(HttpStatus.CREATED).body(reply);
    }

    private Tenant tenant(String tenantId) {
        return tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
    }

    /** A required text field, stripped, without control or direction-override characters. */
    private static String required(JsonNode body, String name, int maxLength) {
        String value = field(body, name);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("missing-" + name, "Missing " + name);
        }
        value = value.strip();
        if (value.length() > maxLength) {
            throw ApiException.badRequest("invalid-" + name, name + " must be at most " + maxLength + " characters");
        }
        if (CONTROL.matcher(value).find()) {
            throw ApiException.badRequest("invalid-" + name, name + " must not contain control characters");
        }
        return value;
    }

    private static String field(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiException.badRequest("invalid-" + name.replace('_', '-'), name + " must be a string");
        }
        return node.asString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
