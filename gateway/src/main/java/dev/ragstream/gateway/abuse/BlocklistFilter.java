package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses blocked client networks: {@code 403} with {@code Retry-After} (seconds left) on every
 * request that does not carry a valid credential of the tenant it names. While the store cannot
 * answer, such requests get {@code 503} with {@code Retry-After} — never a guess either way.
 * Requests with a valid credential never wait for the store.
 */
@Component
@Order(EdgeFilters.BLOCKLIST)
final class BlocklistFilter extends OncePerRequestFilter {

    private final Blocklist blocklist;
    private final int outageRetryAfter;

    BlocklistFilter(Blocklist blocklist, GatewayProperties gateway) {
        this.blocklist = blocklist;
        this.outageRetryAfter = (int) Math.max(1, gateway.blocklist().outageRetryAfter().toSeconds());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        EdgeRequest edge = EdgeRequest.of(request);
        if (edge.route() == Route.OPERATIONS || edge.tenant().filter(t -> Credentials.presentedFor(t, request)).isPresent()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Duration> left;
        try {
            left = blocklist.blockedFor(edge.client().network());
        } catch (BlocklistUnavailableException e) {
            ProblemResponses.write(request, response, new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "blocklist-unavailable",
                    "The service is temporarily unavailable; please retry", outageRetryAfter));
            return;
        }
        if (left.isPresent()) {
            ProblemResponses.write(request, response, new ApiException(HttpStatus.FORBIDDEN, "client-blocked",
                    "Too many failed attempts; try again later", seconds(left.get())));
            return;
        }
        chain.doFilter(request, response);
    }

    /** Whole seconds, rounded up, at least 1. */
    static int seconds(Duration d) {
        return (int) Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
