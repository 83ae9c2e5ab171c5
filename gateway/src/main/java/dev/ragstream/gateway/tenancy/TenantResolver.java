package dev.ragstream.gateway.tenancy;

import dev.ragstream.gateway.abuse.AccessFailures;
import dev.ragstream.gateway.abuse.Credentials;
import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant of a request in the PHP system's order — body {@code tenant_id}, query
 * {@code tenant}, header {@code X-Tenant-ID} — and checks the key it presented. Every missing or
 * unknown tenant and every refused key is reported to {@link AccessFailures} (the IP blocklist
 * counts them); a disabled endpoint is not a failure.
 */
@Component
public class TenantResolver {

    public static final String API_KEY_HEADER = "X-API-Key";

    private static final String RESOLVED = TenantResolver.class.getName() + ".resolved";

    private final TenantRegistry registry;
    private final AccessFailures failures;

    /** A resolver that reports no failures (for tools and tests without the edge). */
    public TenantResolver(TenantRegistry registry) {
        this(registry, AccessFailures.NONE);
    }

    @Autowired
    public TenantResolver(TenantRegistry registry, AccessFailures failures) {
        this.registry = registry;
        this.failures = failures;
    }

    /**
     * @param bodyTenantId the body's {@code tenant_id}, or null when the body has none
     * @throws ApiException 400 "Missing tenant_id", 404 "Tenant not found"
     */
    public Tenant resolve(HttpServletRequest request, String bodyTenantId) {
        Optional<String> id = firstPresent(bodyTenantId, request.getParameter("tenant"), request.getHeader("X-Tenant-ID"));
        if (id.isEmpty()) {
            failures.failed(request, null);
            throw ApiException.badRequest("missing-tenant", "Missing tenant_id");
        }
        Optional<Tenant> tenant = registry.find(id.get());
        if (tenant.isEmpty()) {
            failures.failed(request, null);
            throw ApiException.notFound("tenant-not-found", "Tenant not found");
        }
        request.setAttribute(RESOLVED, tenant.get());
        return tenant.get();
    }

    /** @throws ApiException 404 when the tenant switched {@code endpoint} off */
    public void requireEnabled(Tenant tenant, String endpoint) {
        if (!tenant.endpointEnabled(endpoint)) {
            throw ApiException.notFound("endpoint-disabled", "Not found");
        }
    }

    /** The API key a request presents: {@code X-API-Key}, else an {@code Authorization: Bearer} token (as OpenAI clients send it); null when none. */
    public static String presentedKey(HttpServletRequest request) {
        String key = request.getHeader(API_KEY_HEADER);
        if (key != null) {
            return key;
        }
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
    }

    /**
     * Requires the presented key ({@link #presentedKey}) to equal one of the given keys of the tenant (constant time).
     * An empty expected key matches nothing, so an unset required key refuses every request.
     * @throws ApiException 401
     */
    public void requireKey(HttpServletRequest request, Optional<?>... acceptedKeys) {
        String presented = presentedKey(request);
        for (Optional<?> key : acceptedKeys) {
            if (key.isPresent() && ApiKeys.matches(presented, key.get().toString())) {
                return;
            }
        }
        failures.failed(request, request.getAttribute(RESOLVED) instanceof Tenant tenant ? tenant.id().value() : null);
        throw ApiException.unauthorized(presented == null ? "Missing API key" : "Invalid API key");
    }

    /**
     * Requires HTTP Basic equal to the tenant's {@code userKey}/{@code passwordKey} variables (constant
     * time; an unset variable refuses everyone). A refusal counts towards the blocklist like a refused key.
     * @throws ApiException 401 with a {@code WWW-Authenticate} challenge for {@code realm}
     */
    public void requireBasic(HttpServletRequest request, Tenant tenant, String userKey, String passwordKey, String realm,
                             String refusal) {
        if (!Credentials.basic(tenant, request, userKey, passwordKey)) {
            failures.failed(request, tenant.id().value());
            throw ApiException.basicChallenge(realm, refusal);
        }
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
