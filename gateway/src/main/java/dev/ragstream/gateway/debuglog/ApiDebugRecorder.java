package dev.ragstream.gateway.debuglog;

import dev.ragstream.gateway.abuse.EdgeFilters;
import dev.ragstream.gateway.abuse.EdgeRequest;
import dev.ragstream.platform.tenant.Tenant;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Records each API exchange of a tenant whose {@code API_DEBUG_LOGGING_ENABLED=true}: method, path,
 * status, duration, headers and bodies — secret headers and fields redacted, bodies truncated,
 * multipart bodies never kept. Runs right after the edge learned the tenant, so refused requests
 * (blocked, limited) are recorded too. Reading the log itself is not recorded.
 */
@Component
@Order(EdgeFilters.EDGE_REQUEST + 5)
class ApiDebugRecorder extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiDebugRecorder.class);

    private final ApiDebugLog debugLog;

    ApiDebugRecorder(ApiDebugLog debugLog) {
        this.debugLog = debugLog;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Tenant tenant = EdgeRequest.find(request).flatMap(EdgeRequest::tenant).orElse(null);
        if (tenant == null || !ApiDebugLog.enabled(tenant) || request.getRequestURI().startsWith("/api-debug/")) {
            chain.doFilter(request, response);
            return;
        }
        boolean multipart = String.valueOf(request.getContentType()).startsWith("multipart/");
        HttpServletRequest req = multipart ? request : new ContentCachingRequestWrapper(request, Redaction.MAX_BODY_CHARS * 4);
        ContentCachingResponseWrapper res = new ContentCachingResponseWrapper(response);
        long started = System.nanoTime();
        try {
            chain.doFilter(req, res);
        } finally {
            record(tenant, req, res, multipart, (System.nanoTime() - started) / 1_000_000);
            res.copyBodyToResponse();
        }
    }

    private void record(Tenant tenant, HttpServletRequest req, ContentCachingResponseWrapper res, boolean multipart, long ms) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", Instant.now().toString());
        entry.put("method", req.getMethod());
        entry.put("path", req.getRequestURI());
        entry.put("status", res.getStatus());
        entry.put("duration_ms", ms);
        entry.put("request_headers", headers(req));
        entry.put("request_body", multipart ? "[multipart body not kept, " + req.getContentLengthLong() + " bytes]"
                : Redaction.body(tenant, new String(((ContentCachingRequestWrapper) req).getContentAsByteArray(), StandardCharsets.UTF_8)));
        entry.put("response_body", Redaction.body(tenant, new String(res.getContentAsByteArray(), StandardCharsets.UTF_8)));
        try {
            debugLog.append(tenant, entry);
        } catch (IOException | RuntimeException e) {
            log.warn("Tenant {}: cannot write the API debug log: {}", tenant.id(), e.getClass().getSimpleName());
        }
    }

    private static Map<String, String> headers(HttpServletRequest req) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, Redaction.isSecretHeader(name) ? Redaction.REDACTED : req.getHeader(name));
        }
        return headers;
    }
}
