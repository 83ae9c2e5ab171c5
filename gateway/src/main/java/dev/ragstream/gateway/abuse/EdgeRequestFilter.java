package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First edge filter: works out the client, the route and the tenant a request names, and — on
 * JSON routes whose body names the tenant — reads the body once (bounded; 413 beyond
 * {@code max-json-body}) and hands the controller an identical copy.
 */
@Component
@Order(EdgeFilters.EDGE_REQUEST)
final class EdgeRequestFilter extends OncePerRequestFilter {

    private final ClientAddresses addresses;
    private final TenantRegistry tenants;
    private final long maxJsonBody;

    EdgeRequestFilter(ClientAddresses addresses, TenantRegistry tenants, GatewayProperties gateway) {
        this.addresses = addresses;
        this.tenants = tenants;
        this.maxJsonBody = gateway.maxJsonBody().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ClientAddress client = addresses.resolve(request.getRemoteAddr(),
                Collections.list(request.getHeaders("X-Forwarded-For")));
        Route route = Route.of(path(request));
        HttpServletRequest forwarded = request;
        JsonFields fields = JsonFields.NONE;
        if (route.bodyNamesTenant() && "POST".equalsIgnoreCase(request.getMethod()) && isJson(request.getContentType())) {
            byte[] body;
            try {
                body = CachedBodyRequest.read(request, maxJsonBody);
            } catch (CachedBodyRequest.TooLargeException e) {
                ProblemResponses.write(request, response, new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                        "Request body exceeds " + maxJsonBody + " bytes"));
                return;
            }
            forwarded = new CachedBodyRequest(request, body);
            fields = JsonFields.parse(body);
        }
        String named = firstPresent(fields.tenantId(), QueryParameters.first(request.getQueryString(), "tenant"),
                request.getHeader("X-Tenant-ID"));
        Optional<Tenant> tenant = named == null ? Optional.empty() : tenants.find(named);
        forwarded.setAttribute(EdgeRequest.ATTRIBUTE,
                new EdgeRequest(client, route, named, tenant, fields.sessionId(), fields.messageLength()));
        chain.doFilter(forwarded, response);
    }

    /** The path the dispatcher routes on: decoded, without {@code ;} parameters, dot segments resolved. */
    static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String firstPresent(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return null;
    }
}
