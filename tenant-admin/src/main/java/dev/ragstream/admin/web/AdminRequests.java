package dev.ragstream.admin.web;

import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The tenant of an admin request — set by the gateway after it checked the tenant's admin key,
 * trusted only behind the internal secret — and the shared shapes of admin answers.
 */
@Component
public class AdminRequests {

    private final TenantRegistry tenants;
    private final TenantMetrics metrics;

    public AdminRequests(TenantRegistry tenants, TenantMetrics metrics) {
        this.tenants = tenants;
        this.metrics = metrics;
    }

    /** The tenant, counted in {@code ragstream_admin_requests_total{tenant}}. @throws ApiException 404 when it does not exist (any more) */
    public Tenant tenant(HttpServletRequest request) {
        String id = request.getHeader(InternalRequestFilter.TENANT_HEADER);
        Tenant tenant = tenants.find(id).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
        metrics.count("admin.requests", tenant.id().value(), "method", request.getMethod());
        return tenant;
    }

    /** A page request: page from 0, size 1–100 (default 20). */
    public record Page(int page, int size) {
        public static Page of(Integer page, Integer size) {
            int p = page == null ? 0 : page;
            int s = size == null ? 20 : size;
            if (p < 0 || s < 1 || s > 100) {
                throw ApiException.badRequest("invalid-paging", "page must be >= 0 and size between 1 and 100");
            }
            return new Page(p, s);
        }

        public int offset() {
            return page * size;
        }

        /** The seed-style paged answer. */
        public Map<String, Object> answer(List<?> items, long total) {
            return Map.of("items", items, "page", page, "size", size, "total", total);
        }
    }

    /** An id from the path: one that is not a UUID is simply not found, like any unknown id. */
    public static UUID uuid(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw notFound(what);
        }
    }

    /** The one 404 answer for an object that does not exist or belongs to another tenant. */
    public static ApiException notFound(String what) {
        return ApiException.notFound(what.toLowerCase().replace(' ', '-') + "-not-found", what + " not found");
    }
}
