package dev.ragstream.gateway.cors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;

/** The answer to an allowed preflight: the origin echoed, the methods and request headers the routes accept. */
final class Preflights {

    private static final Set<String> HEADERS = Set.of("content-type", "x-api-key", "x-tenant-id", "x-requested-with");

    private final long maxAgeSeconds;

    Preflights(Duration maxAge) {
        this.maxAgeSeconds = maxAge.toSeconds();
    }

    static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equalsIgnoreCase(request.getMethod()) && request.getHeader(HttpHeaders.ORIGIN) != null
                && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    }

    /** 204 allowing {@code origin}; requested headers outside the accepted set are left out (the browser then refuses). */
    void allow(HttpServletRequest request, HttpServletResponse response, String origin) {
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
        List<String> headers = new ArrayList<>();
        String requested = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null) {
            for (String header : requested.split(",")) {
                String name = header.strip().toLowerCase(Locale.ROOT);
                if (HEADERS.contains(name)) {
                    headers.add(name);
                }
            }
        }
        if (!headers.isEmpty()) {
            response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", headers));
        }
        response.setHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, String.valueOf(maxAgeSeconds));
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}
