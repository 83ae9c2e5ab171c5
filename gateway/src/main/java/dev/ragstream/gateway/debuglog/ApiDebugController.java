package dev.ragstream.gateway.debuglog;

import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
        if (!authenticated(request, tenant)) {
            tenants.authenticationFailed(request, tenant);
            ApiException unauthorized = ApiException.unauthorized("Invalid debug-log credentials");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"ragstream api-debug\"")
                    .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Map.of("type", unauthorized.toProblem().getType().toString(), "title", "Unauthorized", "status", 401,
                            "detail", unauthorized.getMessage(), "error", unauthorized.getMessage()));
        }
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || s < 1 || s > 200) {
            throw ApiException.badRequest("invalid-paging", "page must be >= 0 and size between 1 and 200");
        }
        List<JsonNode> entries = debugLog.recent(tenant, p * s, s);
        return ResponseEntity.ok(Map.of("enabled", ApiDebugLog.enabled(tenant), "page", p, "size", s, "items", entries));
    }

    private static boolean authenticated(HttpServletRequest request, Tenant tenant) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        var user = tenant.get("API_DEBUG_USERNAME");
        var password = tenant.get("API_DEBUG_PASSWORD");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("basic ") || user.isEmpty() || password.isEmpty()) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 & ApiKeys.matches(decoded.substring(0, Math.max(colon, 0)), user.get())
                & ApiKeys.matches(decoded.substring(colon + 1), password.get());
    }
}
