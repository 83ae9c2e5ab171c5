package dev.ragstream.gateway.abuse;

import dev.ragstream.platform.tenant.Tenant;
import jakarta.servlet.ServletRequest;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the edge learned about a request before any controller ran, kept as a request attribute
 * by {@link EdgeRequestFilter}. Tenant naming follows the seed's order — body {@code tenant_id}
 * (JSON routes), query {@code tenant}, header {@code X-Tenant-ID} — without consuming the body.
 *
 * @param client        who sent it (trusted proxies applied)
 * @param route         which route it is for
 * @param namedTenant   the tenant id it names, null when none
 * @param tenant        that tenant when it exists
 * @param sessionId     the body's {@code session_id}, null when absent
 * @param messageLength characters (code points) of the body's {@code message} when it is a string
 */
public record EdgeRequest(ClientAddress client, Route route, String namedTenant, Optional<Tenant> tenant,
                          String sessionId, OptionalInt messageLength) {

    static final String ATTRIBUTE = EdgeRequest.class.getName();

    /** The edge view of a request, empty when the edge filters did not see it (e.g. an error dispatch). */
    public static Optional<EdgeRequest> find(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof EdgeRequest edge ? Optional.of(edge) : Optional.empty();
    }

    /** @throws IllegalStateException when {@link EdgeRequestFilter} did not run for this request */
    public static EdgeRequest of(ServletRequest request) {
        return find(request).orElseThrow(() -> new IllegalStateException("the edge request filter did not run"));
    }

    /** The existing tenant's id, or "" — unknown names share one bucket, so inventing names never resets a count. */
    String tenantKey() {
        return tenant.map(t -> t.id().value()).orElse("");
    }
}
