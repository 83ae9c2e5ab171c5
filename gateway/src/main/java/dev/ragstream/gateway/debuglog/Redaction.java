package dev.ragstream.gateway.debuglog;

import dev.ragstream.platform.tenant.Tenant;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Takes secrets out of what the API debug log keeps, and caps its size. */
final class Redaction {

    static final String REDACTED = "[redacted]";
    static final int MAX_BODY_CHARS = 2_000;

    private static final Set<String> SECRET_HEADERS = Set.of("x-api-key", "authorization", "cookie", "set-cookie",
            "x-internal-secret", "proxy-authorization");
    private static final Pattern SECRET_JSON_FIELD = Pattern.compile(
            "(\"[^\"]*(?:key|password|secret|token)[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    static boolean isSecretHeader(String name) {
        return SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The body with JSON fields that name a secret blanked, every secret of the tenant removed
     * wherever it appears, and cut to {@value #MAX_BODY_CHARS} characters.
     */
    static String body(Tenant tenant, String body) {
        if (body == null || body.isEmpty()) {
            return body;
        }
        String out = SECRET_JSON_FIELD.matcher(body).replaceAll("$1\"" + REDACTED + "\"");
        for (var entry : tenant.env().entrySet()) {
            String key = entry.getKey().toUpperCase(Locale.ROOT);
            String value = entry.getValue();
            if (value != null && value.length() >= 6
                    && (key.contains("KEY") || key.contains("PASSWORD") || key.contains("SECRET") || key.contains("TOKEN"))) {
                out = out.replace(value, REDACTED);
            }
        }
        return out.length() > MAX_BODY_CHARS ? out.substring(0, MAX_BODY_CHARS) + "…[truncated]" : out;
    }
}
