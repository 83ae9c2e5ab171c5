package dev.ragstream.gateway.tenancy;

import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant of a request in the PHP system's order — body {@code tenant_id}, query
 * {@code tenant}, header {@code X-Tenant-ID} — and checks the key it presented.
 */
@Component
public class TenantResolver {

    public static final String API_KEY_HEADER = "X-API-Key";

    private final TenantRegistry registry;

    public TenantResolver(TenantRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param bodyTenantId the body's {@code tenant_id}, or null when the body has none
     * @throws ApiException 400 "Missing tenant_id", 404 "Tenant not found"
     */
    public Tenant resolve(HttpServletRequest request, String bodyTenantId) {
        String id = firstPresent(bodyTenantId, request.getParameter("tenant"), request.getHeader("X-Tenant-ID"))
                .orElseThrow(() -> ApiException.badRequest("missing-tenant", "Missing tenant_id"));
        return registry.find(id).orElseThrow(() -> ApiException.notFound("tenant-not-found", "Tenant not found"));
    }

    /** @throws ApiException 404 when the tenant switched {@code endpoint} off */
    public void requireEnabled(Tenant tenant, String endpoint) {
        if (!tenant.endpointEnabled(endpoint)) {
            throw ApiException.notFound("endpoint-disabled", "Not found");
        }
    }

    /**
     * Requires {@code X-API-Key} to equal one of the given keys of the tenant (constant time).
     * An empty expected key matches nothing, so an unset required key refuses every request.
     * @throws ApiException 401
     */
    public void requireKey(HttpServletRequest request, Optional<?>... acceptedKeys) {
        String presented = request.getHeader(API_KEY_HEADER);
        for (Optional<?> key : acceptedKeys) {
            if (key.isPresent() && ApiKeys.matches(presented, key.get().toString())) {
                return;
            }
        }
        throw ApiException.unauthorized(presented == null ? "Missing API key" : "Invalid API key");
    }

    private static Optional<String> firstPresent(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return Optional.of(candidate.strip());
            }
        }
        return Optional.empty();
    }
}
