package dev.ragstream.platform.tenant;

import dev.ragstream.schemas.Topics;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's configuration, as read from {@code tenants/<id>/.env} with the PHP system's
 * variable names. Immutable; a changed file yields a new instance. {@link #toString()} never
 * shows secrets.
 */
public record Tenant(TenantId id, Map<String, String> env) {

    public Tenant {
        env = Map.copyOf(env);
    }

    public String name() {
        return get("TENANT_NAME").orElse(id.value());
    }

    /** A variable, empty when unset or blank. */
    public Optional<String> get(String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public int getInt(String key, int fallback) {
        String value = get(key).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " of tenant " + id + " is not a number", e);
        }
    }

    /** The tenant's own ragdb connection settings ({@code DB_*}). */
    public Database database() {
        return new Database(get("DB_HOST", "localhost"), getInt("DB_PORT", 5432),
                get("DB_NAME", "ragdb_" + id.value().replace('-', '_')), get("DB_USER", "raguser"),
                get("DB_PASSWORD", ""));
    }

    /** The shared chatdb connection settings ({@code ADMIN_DB_*}). */
    public Database chatDatabase() {
        return new Database(get("ADMIN_DB_HOST", "localhost"), getInt("ADMIN_DB_PORT", 5432), get("ADMIN_DB_NAME", "chatdb"),
                get("ADMIN_DB_USER", "chatuser"), get("ADMIN_DB_PASSWORD", ""));
    }

    public Optional<String> chatApiKey() {
        return get("CHAT_API_KEY");
    }

    public Optional<String> uploadApiKey() {
        return get("UPLOAD_API_KEY");
    }

    public Optional<String> adminApiKey() {
        return get("ADMIN_API_KEY");
    }

    public long maxUploadBytes() {
        return getInt("MAX_UPLOAD_SIZE_MB", 100) * 1024L * 1024L;
    }

    /**
     * The lane of a document queued while the tenant has {@code inFlight} documents in the
     * pipeline, this one included: interactive up to {@code INTERACTIVE_QUEUE_LIMIT} (20), else
     * bulk. A large job or a tenant with a backlog waits behind its own backlog, never in front of
     * another tenant's next document (see {@code docs/fairness.md}).
     */
    public Topics.Lane lane(int inFlight) {
        return inFlight > getInt("INTERACTIVE_QUEUE_LIMIT", 20) ? Topics.Lane.BULK : Topics.Lane.INTERACTIVE;
    }

    /** {@code ENDPOINT_<NAME>_ENABLED}, true unless set to false. */
    public boolean endpointEnabled(String name) {
        return !"false".equalsIgnoreCase(get("ENDPOINT_" + name.toUpperCase(Locale.ROOT) + "_ENABLED", "true"));
    }

    @Override
    public String toString() {
        return "Tenant[" + id + "]";
    }

    /**
     * Connection settings of a tenant's ragdb; the password is never printed. Host and name are
     * restricted so a .env value can never add parameters to the JDBC URL.
     */
    public record Database(String host, int port, String name, String user, String password) {
        private static final java.util.regex.Pattern HOST =
                java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]+\\]");
        private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}");

        public Database {
            if (!HOST.matcher(host).matches() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("DB_HOST/DB_PORT is not a valid host and port");
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("DB_NAME is not a valid database name");
            }
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        @Override
        public String toString() {
            return "Database[" + user + "@" + host + ":" + port + "/" + name + "]";
        }
    }
}
