package dev.ragstream.gateway.abuse;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Hears of requests that failed to name an existing tenant or to authenticate for it — the
 * failures the IP blocklist counts. Implementations never throw: a failure that cannot be counted
 * is dropped (and must not change the client's answer).
 */
public interface AccessFailures {

    /** Counts nothing; for code that runs without the edge (tools, tests). */
    AccessFailures NONE = (request, tenantId) -> {
    };

    /**
     * @param request  the failed request (its client is taken from the edge, else from the socket)
     * @param tenantId the existing tenant it failed to authenticate for, null for a missing or unknown tenant
     */
    void failed(HttpServletRequest request, String tenantId);
}
