package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connections to a tenant's own ragdb with the credentials of its {@code .env}: what a tenant
 * command reads or deletes, it does with the tenant's own role, never with an admin role.
 */
final class TenantDatabase {

    private TenantDatabase() {
    }

    /**
     * A new connection, owned by the caller.
     * @throws IllegalStateException "cannot connect to &lt;db&gt; as &lt;user&gt;: …" when the server
     *         is unreachable or refuses the credentials (never names the password)
     */
    static Connection connect(Tenant.Database db) {
        Properties properties = new Properties();
        properties.setProperty("user", db.user());
        properties.setProperty("password", db.password());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "10");
        properties.setProperty("ApplicationName", "ragstream-tenant-cli");
        try {
            return DriverManager.getConnection(db.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new IllegalStateException(failure("cannot connect to", db, e), e);
        }
    }

    /** "&lt;what&gt; &lt;db&gt; as &lt;user&gt;: &lt;first line of the cause&gt;". */
    static String failure(String what, Tenant.Database db, Exception cause) {
        return what + " " + db.name() + " as " + db.user() + ": " + ErrorLine.of(cause);
    }
}
