package dev.ragstream.gateway.abuse;

import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * The seed's rule that a client which keeps sending origins a tenant does not allow is
 * rate-limited: counted per client network ({@code RATE_LIMIT_UNRECOGNISED_ORIGIN_PER_MINUTE}).
 */
@Component
public final class UnrecognisedOrigins {

    private final RateLimiting limits;

    UnrecognisedOrigins(RateLimiting limits) {
        this.limits = limits;
    }

    /**
     * Counts one request with an unrecognised origin and sets the rate-limit headers on {@code response}.
     * @throws ApiException 429 with Retry-After once the client is over its limit
     */
    public void count(HttpServletRequest request, HttpServletResponse response) {
        RateLimitDecision decision = limits.acquire(LimitRule.UNRECOGNISED_ORIGIN, EdgeRequest.of(request));
        decision.writeHeaders(response);
        if (!decision.allowed()) {
            throw decision.exceeded();
        }
    }
}
