package dev.ragstream.gateway.abuse;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the route's rate limit and then the tenant's total. Every limited response carries
 * {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} of the tighter of the two; over a
 * limit the answer is {@code 429} with {@code Retry-After}. A request the route limit refuses is not
 * counted against the tenant, so one abusive session cannot use up its tenant's total.
 */
@Component
@Order(EdgeFilters.RATE_LIMITS)
final class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimiting limits;

    RateLimitFilter(RateLimiting limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        EdgeRequest edge = EdgeRequest.of(request);
        LimitRule rule = edge.route().limitFor(request.getMethod());
        if (rule == null) {
            chain.doFilter(request, response);
            return;
        }
        RateLimitDecision shown = limits.acquire(rule, edge);
        if (shown.allowed() && edge.tenant().isPresent()) {
            shown = RateLimitDecision.tighter(shown, limits.acquire(LimitRule.TENANT, edge));
        }
        shown.writeHeaders(response);
        if (!shown.allowed()) {
            ProblemResponses.write(request, response, shown.exceeded());
            return;
        }
        chain.doFilter(request, response);
    }
}
