package dev.ragstream.gateway.abuse;

import java.util.Locale;

/**
 * The gateway routes the edge controls know, matched exactly on the servlet path (the container
 * has already decoded it, removed {@code ;} parameters and collapsed dot segments, so every variant
 * that reaches a controller is matched too).
 */
public enum Route {
    CHAT("/chat", "chat", true, true, LimitRule.CHAT, "POST"),
    /** The OpenAI-compatible chat: the same endpoint switch and limit as {@code /chat}. */
    CHAT_COMPLETIONS("/v1/chat/completions", "chat", true, true, LimitRule.CHAT, "POST"),
    CUSTOMER_CHAT("/customer-chat", "customer_chat", true, true, LimitRule.CUSTOMER_CHAT, null),
    /** A visitor's inquiry from the customer widget's lead form: switched with the customer chat. */
    INQUIRY("/customer-chat/inquiry", "customer_chat", true, true, LimitRule.INQUIRY, "POST"),
    WIDGET_CONFIG("/widget-config", "widget_config", true, false, LimitRule.WIDGET_CONFIG, null),
    UPLOAD("/upload", "upload", true, false, LimitRule.UPLOAD, "POST"),
    MEDIA_INFO("/media-info", "media_info", true, false, LimitRule.MEDIA_INFO, null),
    API_DEBUG_LOGS("/api-debug/logs", "api_debug", false, false, LimitRule.API_DEBUG, null),
    ADMIN_DASHBOARD("/admin-dashboard", "admin", false, false, LimitRule.ADMIN_DASHBOARD, null),
    /** Health and metrics: never blocked or limited (load balancers must see a replica's health). */
    OPERATIONS(null, null, false, false, null, null),
    OTHER(null, null, false, false, null, null);

    /** An OpenAI client may name the tenant as its model: {@code ragstream:<tenant>}. */
    public static final String TENANT_MODEL_PREFIX = "ragstream:";

    private final String path;
    private final String endpoint;
    private final boolean crossOrigin;
    private final boolean bodyNamesTenant;
    private final LimitRule limit;
    private final String limitedMethod;

    Route(String path, String endpoint, boolean crossOrigin, boolean bodyNamesTenant, LimitRule limit, String limitedMethod) {
        this.path = path;
        this.endpoint = endpoint;
        this.crossOrigin = crossOrigin;
        this.bodyNamesTenant = bodyNamesTenant;
        this.limit = limit;
        this.limitedMethod = limitedMethod;
    }

    /** The route of a servlet path. */
    public static Route of(String path) {
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return OPERATIONS;
        }
        for (Route route : values()) {
            if (path.equals(route.path)) {
                return route;
            }
        }
        return OTHER;
    }

    /** The {@code ENDPOINT_<NAME>_ENABLED} name of this route, null when it has none. */
    public String endpoint() {
        return endpoint;
    }

    /** Whether browsers on the tenant's {@code ALLOWED_ORIGINS} may call this route. */
    public boolean crossOrigin() {
        return crossOrigin;
    }

    /** Whether the JSON body carries {@code tenant_id}, {@code session_id} and {@code message}. */
    boolean bodyNamesTenant() {
        return bodyNamesTenant;
    }

    /** The rate limit of a request with this method, null when it is not limited (preflights never are). */
    LimitRule limitFor(String method) {
        String m = method.toUpperCase(Locale.ROOT);
        if (limit == null || m.equals("OPTIONS") || (limitedMethod != null && !limitedMethod.equals(m))) {
            return null;
        }
        return limit;
    }
}
