package dev.ragstream.gateway.abuse;

import org.springframework.core.Ordered;

/** The order of the edge filters: who, blocked?, cross-origin, rate limits, size checks — all before any controller. */
public final class EdgeFilters {

    public static final int EDGE_REQUEST = Ordered.HIGHEST_PRECEDENCE + 10;
    public static final int BLOCKLIST = Ordered.HIGHEST_PRECEDENCE + 20;
    public static final int CORS = Ordered.HIGHEST_PRECEDENCE + 30;
    public static final int RATE_LIMITS = Ordered.HIGHEST_PRECEDENCE + 40;
    public static final int MESSAGE_LENGTH = Ordered.HIGHEST_PRECEDENCE + 50;

    private EdgeFilters() {
    }
}
