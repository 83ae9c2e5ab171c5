package dev.ragstream.gateway.abuse;

import dev.ragstream.gateway.GatewayProperties;

/**
 * The rate limits: what each counts, its seed default and the tenant variable
 * ({@code RATE_LIMIT_<NAME>_PER_MINUTE}) that overrides it.
 */
enum LimitRule {
    CHAT(Keying.SESSION_AND_CLIENT),
    CUSTOMER_CHAT(Keying.SESSION_AND_CLIENT),
    WIDGET_CONFIG(Keying.CLIENT),
    INQUIRY(Keying.CLIENT),
    UPLOAD(Keying.CLIENT),
    MEDIA_INFO(Keying.CLIENT),
    API_DEBUG(Keying.CLIENT),
    ADMIN_DASHBOARD(Keying.CLIENT),
    TENANT(Keying.TENANT),
    UNRECOGNISED_ORIGIN(Keying.NETWORK);

    /** What one window counts: per tenant and client network (and session), per tenant, or per network alone. */
    enum Keying { SESSION_AND_CLIENT, CLIENT, TENANT, NETWORK }

    private final Keying keying;

    LimitRule(Keying keying) {
        this.keying = keying;
    }

    Keying keying() {
        return keying;
    }

    /** The tenant's override, e.g. {@code RATE_LIMIT_CHAT_PER_MINUTE}. */
    String variable() {
        return "RATE_LIMIT_" + name() + "_PER_MINUTE";
    }

    int seedDefault(GatewayProperties.RateLimits limits) {
        return switch (this) {
            case CHAT -> limits.chat();
            case CUSTOMER_CHAT -> limits.customerChat();
            case WIDGET_CONFIG -> limits.widgetConfig();
            case INQUIRY -> limits.inquiry();
            case UPLOAD -> limits.upload();
            case MEDIA_INFO -> limits.mediaInfo();
            case API_DEBUG -> limits.apiDebug();
            case ADMIN_DASHBOARD -> limits.adminDashboard();
            case TENANT -> limits.tenant();
            case UNRECOGNISED_ORIGIN -> limits.unrecognisedOrigin();
        };
    }
}
