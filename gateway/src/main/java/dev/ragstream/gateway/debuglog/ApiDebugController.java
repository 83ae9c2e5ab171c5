package dev.ragstream.gateway.debuglog;

import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api-debug/logs?tenant=<id>&page=&size=}: the tenant's recorded API exchanges, newest
 * first. HTTP Basic with the tenant's {@code API_DEBUG_USERNAME}/{@code API_DEBUG_PASSWORD}
 * (constant time; failures count towards the IP blocklist and the 5/minute limit).
 */
@RestController
class ApiDebugController {

    private final TenantResolver tenants;
    private final ApiDebugLog debugLog;

    ApiDebugController(TenantResolver tenants, ApiDebugLog debugLog) {
        this.tenants = tenants;
        this.debugLog = debugLog;
    }

    @GetMapping("/api-debug/logs")
    ResponseEntity<Map<String, Object>> logs(HttpServletRequest request, @RequestParam(required = false) Integer page,
                                             @RequestParam(required = false) Integer size) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "api_debug");
        tenants.requireBasic(request, tenant, "API_DEBUG_USERNAME", "API_DEBUG_PASSWORD", "ragstream api-debug",
                "Invalid debug-log credentials");
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || s < 1 || s > 200) {
            throw ApiException.badRequest("invalid-paging", "page must be >= 0 and size between 1 and 200");
        }
        List<JsonNode> entries = debugLog.recent(tenant, p * s, s);
        return ResponseEntity.ok(Map.of("enabled", ApiDebugLog.enabled(tenant), "page", p, "size", s, "items", entries));
    }
}
