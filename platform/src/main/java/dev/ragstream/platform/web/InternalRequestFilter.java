package dev.ragstream.platform.web;

import dev.ragstream.platform.security.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards an internal service: only callers presenting the shared internal secret (the gateway,
 * after it authenticated the tenant) get past; health and metrics stay open for operators.
 * No other header confers internal trust.
 */
public final class InternalRequestFilter extends OncePerRequestFilter {

    /** Header carrying the shared internal secret. */
    public static final String SECRET_HEADER = "X-Internal-Secret";
    /** Header carrying the tenant the gateway authenticated. */
    public static final String TENANT_HEADER = "X-Tenant-ID";

    private final String secret;
    private final java.util.Set<String> openPaths;

    /** @param openPaths exact paths open without the secret, besides health and metrics (e.g. an API description) */
    public InternalRequestFilter(String secret, String... openPaths) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the internal secret must be set (at least 16 characters)");
        }
        this.secret = secret;
        this.openPaths = java.util.Set.of(openPaths);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/actuator/prometheus")
                || ("GET".equals(request.getMethod()) && openPaths.contains(path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!ApiKeys.matches(request.getHeader(SECRET_HEADER), secret)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://ragstream.dev/problems/internal-only\",\"title\":\"Forbidden\","
                    + "\"status\":403,\"detail\":\"Internal endpoint\",\"error\":\"Internal endpoint\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}
