package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a chat {@code message} longer than the tenant's {@code MAX_MESSAGE_LENGTH} characters
 * (Unicode code points; default {@code ragstream.gateway.max-message-length}) with {@code 400},
 * before anything is proxied.
 */
@Component
@Order(EdgeFilters.MESSAGE_LENGTH)
final class MessageLengthFilter extends OncePerRequestFilter {

    private final int defaultMax;

    MessageLengthFilter(GatewayProperties gateway) {
        this.defaultMax = gateway.maxMessageLength();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        EdgeRequest edge = EdgeRequest.of(request);
        int max = edge.tenant().map(this::maxFor).orElse(defaultMax);
        if (edge.messageLength().isPresent() && edge.messageLength().getAsInt() > max) {
            ProblemResponses.write(request, response, ApiException.badRequest("message-too-long",
                    "Message exceeds the maximum length of " + max + " characters"));
            return;
        }
        chain.doFilter(request, response);
    }

    private int maxFor(Tenant tenant) {
        try {
            int max = tenant.getInt("MAX_MESSAGE_LENGTH", defaultMax);
            return max > 0 ? max : defaultMax;
        } catch (IllegalArgumentException e) {
            return defaultMax;
        }
    }
}
