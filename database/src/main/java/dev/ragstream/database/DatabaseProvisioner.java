package dev.ragstream.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a database and its owning role when missing, enables pgvector and migrates the schema.
 * Idempotent: running it again on a provisioned database only applies new migrations.
 * Uses a superuser connection to the target's server for role, database and extension; the
 * migrations run as the owning role, so every table belongs to it.
 */
public final class DatabaseProvisioner {

    private static final Logger log = LoggerFactory.getLogger(DatabaseProvisioner.class);

    /** The two kinds of database ragstream has, with their migration locations. */
    public enum Kind {
        RAGDB("classpath:db/ragdb"), CHATDB("classpath:db/chatdb");

        private final String location;

        Kind(String location) {
            this.location = location;
        }
    }

    private final String adminUser;
    private final String adminPassword;

    /** @param adminUser a superuser (or a role with CREATEDB and CREATEROLE) on the target servers */
    public DatabaseProvisioner(String adminUser, String adminPassword) {
        this.adminUser = adminUser;
        this.adminPassword = adminPassword == null ? "" : adminPassword;
    }

    /**
     * Provisions {@code target} as a database of {@code kind}.
     * @return the schema version after migration
     * @throws SQLException when the server is unreachable or refuses (message names the target)
     */
    public String provision(DatabaseTarget target, Kind kind) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl("postgres"), credentials(adminUser, adminPassword))) {
            createRoleIfMissing(admin, target);
            createDatabaseIfMissing(admin, target);
        }
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(), credentials(adminUser, adminPassword));
             Statement st = admin.createStatement()) {
            if (kind == Kind.RAGDB) {
                st.execute("CREATE EXTENSION IF NOT EXISTS vector");
            }
        }
        return migrate(target, kind);
    }

    /** Applies pending migrations as the target's own role; returns the schema version. */
    public static String migrate(DatabaseTarget target, Kind kind) {
        MigrateResult result = Flyway.configure()
                .dataSource(target.jdbcUrl(), target.user(), target.password())
                .locations(kind.location)
                .load()
                .migrate();
        log.info("Migrated {} {} to version {} ({} applied)", kind, target, result.targetSchemaVersion,
                result.migrationsExecuted);
        return result.targetSchemaVersion == null ? current(target, kind) : result.targetSchemaVersion;
    }

    /** The current schema version of {@code target}, or null when it was never migrated. */
    public static String current(DatabaseTarget target, Kind kind) {
        var info = Flyway.configure().dataSource(target.jdbcUrl(), target.user(), target.password())
                .locations(kind.location).load().info().current();
        return info == null ? null : info.getVersion().getVersion();
    }

    /** Drops the database and its role (used to undo a failed create, and by tests). */
    public void drop(DatabaseTarget target, boolean dropRole) throws SQLException {
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl("postgres"), credentials(adminUser, adminPassword))) {
            execute(admin, "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", target.database());
            if (dropRole) {
                execute(admin, "SELECT format('DROP ROLE IF EXISTS %I', ?)", target.user());
            }
        }
    }

    private static void createRoleIfMissing(Connection admin, DatabaseTarget target) throws SQLException {
        if (!exists(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", target.user())) {
            execute(admin, "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', ?, ?)", target.user(), target.password());
            log.info("Created role {}", target.user());
        }
    }

    private static void createDatabaseIfMissing(Connection admin, DatabaseTarget target) throws SQLException {
        if (!exists(admin, "SELECT 1 FROM pg_database WHERE datname = ?", target.database())) {
            execute(admin, "SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', ?, ?)",
                    target.database(), target.user());
            // Only the owner (and superusers) may connect: isolation holds at the credential level.
            execute(admin, "SELECT format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', ?)", target.database());
            log.info("Created database {}", target.database());
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Builds a DDL statement server-side with format(%I, %L) quoting, then runs it. */
    private static void execute(Connection c, String formatSql, String... args) throws SQLException {
        String ddl;
        try (PreparedStatement ps = c.prepareStatement(formatSql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                ddl = rs.getString(1);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute(ddl);
        }
    }

    private static Properties credentials(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }
}
