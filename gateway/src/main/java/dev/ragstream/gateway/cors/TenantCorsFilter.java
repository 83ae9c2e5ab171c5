package dev.ragstream.gateway.cors;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.gateway.abuse.EdgeFilters;
import dev.ragstream.gateway.abuse.EdgeRequest;
import dev.ragstream.gateway.abuse.ProblemResponses;
import dev.ragstream.gateway.abuse.UnrecognisedOrigins;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CORS for the browser-facing routes ({@code /chat}, {@code /customer-chat}, {@code /widget-config},
 * {@code /upload}, {@code /media-info}); other routes get no CORS headers at all. Every answer on
 * these routes varies by {@code Origin}.
 *
 * <p>A request's tenant is the one it names (body, query {@code tenant}, header {@code X-Tenant-ID}).
 * A preflight has no body and browsers send no custom header with it, so its tenant comes from the
 * query {@code tenant} (or {@code X-Tenant-ID} from non-browser callers); a preflight that names no
 * tenant is answered for the origin if some tenant allows it — the actual request is then checked
 * against its own tenant, and its response carries {@code Access-Control-Allow-Origin} only if that
 * tenant allows the origin. Disallowed preflights get {@code 403}; disallowed origins on actual
 * requests get no CORS headers (the browser withholds the answer). Both count against the client's
 * unrecognised-origin limit.
 */
@Component
@Order(EdgeFilters.CORS)
final class TenantCorsFilter extends OncePerRequestFilter {

    static final String EXPOSED = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";

    private final TenantRegistry tenants;
    private final UnrecognisedOrigins unrecognised;
    private final Preflights preflights;

    TenantCorsFilter(TenantRegistry tenants, UnrecognisedOrigins unrecognised, GatewayProperties gateway) {
        this.tenants = tenants;
        this.unrecognised = unrecognised;
        this.preflights = new Preflights(gateway.cors().maxAge());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return EdgeRequest.find(request).map(edge -> !edge.route().crossOrigin()).orElse(true);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        EdgeRequest edge = EdgeRequest.of(request);
        try {
            if (Preflights.isPreflight(request)) {
                preflight(request, response, edge, origin);
                return;
            }
            if (origin != null && edge.tenant().isPresent()) {
                if (AllowedOrigins.of(edge.tenant().get()).allows(origin)) {
                    response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                    response.setHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
                } else {
                    unrecognised.count(request, response);
                }
            }
        } catch (ApiException e) {
            ProblemResponses.write(request, response, e);
            return;
        }
        chain.doFilter(request, response);
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response, EdgeRequest edge, String origin)
            throws IOException {
        if (edge.tenant().isPresent() && !edge.tenant().get().endpointEnabled(edge.route().endpoint())) {
            throw ApiException.notFound("endpoint-disabled", "Not found");
        }
        boolean allowed = edge.tenant().map(t -> AllowedOrigins.of(t).allows(origin))
                .orElseGet(() -> edge.namedTenant() == null && anyTenantAllows(origin));
        if (!allowed) {
            unrecognised.count(request, response);
            throw new ApiException(HttpStatus.FORBIDDEN, "origin-not-allowed", "Origin not allowed");
        }
        preflights.allow(request, response, origin);
    }

    private boolean anyTenantAllows(String origin) {
        for (Tenant tenant : tenants.all()) {
            if (AllowedOrigins.of(tenant).allows(origin)) {
                return true;
            }
        }
        return false;
    }
}
