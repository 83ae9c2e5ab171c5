package dev.ragstream.gateway.abuse;

import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.platform.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request carries a valid credential of a tenant: a key (X-API-Key or Bearer) equal to one of its
 * API keys, or HTTP Basic equal to its admin or API-debug user and password. Every configured secret
 * is compared, in constant time; nothing is logged.
 */
public final class Credentials {

    private Credentials() {
    }

    static boolean presentedFor(Tenant tenant, HttpServletRequest request) {
        String key = dev.ragstream.gateway.tenancy.TenantResolver.presentedKey(request);
        boolean valid = false;
        for (Optional<String> expected : List.of(tenant.chatApiKey(), tenant.uploadApiKey(), tenant.adminApiKey())) {
            valid |= key != null && expected.isPresent() && ApiKeys.matches(key, expected.get());
        }
        String[] basic = basic(request.getHeader("Authorization"));
        if (basic != null) {
            valid |= pair(tenant, basic, "ADMIN_USERNAME", "ADMIN_PASSWORD");
            valid |= pair(tenant, basic, "API_DEBUG_USERNAME", "API_DEBUG_PASSWORD");
        }
        return valid;
    }

    /**
     * Whether the request's HTTP Basic credentials equal the tenant's {@code userKey}/{@code passwordKey}
     * variables (both compared in constant time); false when either variable is unset.
     */
    public static boolean basic(Tenant tenant, HttpServletRequest request, String userKey, String passwordKey) {
        String[] presented = basic(request.getHeader("Authorization"));
        return presented != null && pair(tenant, presented, userKey, passwordKey);
    }

    private static boolean pair(Tenant tenant, String[] presented, String userKey, String passwordKey) {
        Optional<String> user = tenant.get(userKey);
        Optional<String> password = tenant.get(passwordKey);
        if (user.isEmpty() || password.isEmpty()) {
            return false;
        }
        return ApiKeys.matches(presented[0], user.get()) & ApiKeys.matches(presented[1], password.get());
    }

    /** {user, password} of a Basic header, null when there is none or it is malformed. */
    private static String[] basic(String header) {
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("basic ")) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
