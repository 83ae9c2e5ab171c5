package dev.ragstream.platform.tenant;

import java.util.regex.Pattern;

/**
 * A validated tenant id: lowercase letters, digits and hyphens, 2–63 characters, starting and
 * ending with a letter or digit. Safe to use in a path segment or a database name.
 */
public record TenantId(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,61}[a-z0-9]");

    public TenantId {
        if (!isValid(value)) {
            throw new InvalidTenantIdException(value);
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }

    /** Thrown for a string that is not a valid tenant id; the message never echoes more than 64 chars. */
    public static final class InvalidTenantIdException extends IllegalArgumentException {
        InvalidTenantIdException(String value) {
            super("Invalid tenant id " + describe(value)
                    + ": use 2-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
        }

        private static String describe(String value) {
            if (value == null) {
                return "(none)";
            }
            String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
            return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
        }
    }
}
