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
     * Provisions {@code target} as a database of {@code kind}. All or nothing for what this call
     * creates: when a step fails, the role and the database it created are dropped again; a role
     * or database that existed before is never dropped.
     * @return the schema version after migration
     * @throws SQLException when the server is unreachable or refuses (message names the server)
     * @throws org.flywaydb.core.api.FlywayException when a migration fails
     */
    public String provision(DatabaseTarget target, Kind kind) throws SQLException {
        boolean roleCreated = false;
        boolean databaseCreated = false;
        try {
            try (Connection admin = connectAdmin(target, "postgres")) {
                roleCreated = createRoleIfMissing(admin, target);
                databaseCreated = createDatabaseIfMissing(admin, target);
            }
            if (kind == Kind.RAGDB) {
                try (Connection admin = connectAdmin(target, target.database()); Statement st = admin.createStatement()) {
                    st.execute("CREATE EXTENSION IF NOT EXISTS vector");
                }
            } else {
                try (Connection admin = connectAdmin(target, "postgres")) {
                    createChatAppGroupIfMissing(admin);
                }
            }
            return migrate(target, kind);
        } catch (SQLException | RuntimeException e) {
            undo(target, databaseCreated, roleCreated, e);
            throw e;
        }
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

    /** Drops the database (closing its connections) and, when {@code dropRole}, its role. */
    public void drop(DatabaseTarget target, boolean dropRole) throws SQLException {
        try (Connection admin = connectAdmin(target, "postgres")) {
            execute(admin, "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", target.database());
            if (dropRole) {
                execute(admin, "SELECT format('DROP ROLE IF EXISTS %I', ?)", target.user());
            }
        }
    }

    /** Drops what a failed {@link #provision} created; a failure to do so is added to {@code cause}. */
    private void undo(DatabaseTarget target, boolean database, boolean role, Exception cause) {
        if (!database && !role) {
            return;
        }
        try (Connection admin = connectAdmin(target, "postgres")) {
            if (database) {
                execute(admin, "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", target.database());
            } else if (role) {
                // The new role may own objects in the existing database (e.g. Flyway's history table);
                // it was created by this call, so everything it owns was too.
                try (Connection existing = connectAdmin(target, target.database())) {
                    execute(existing, "SELECT format('DROP OWNED BY %I', ?)", target.user());
                }
            }
            if (role) {
                execute(admin, "SELECT format('DROP ROLE IF EXISTS %I', ?)", target.user());
            }
            log.info("Provisioning {} failed; dropped what it had created (database: {}, role: {})", target, database, role);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Creates (or updates the password of) a login role through which the services use chatdb: a
     * member of {@value #CHAT_APP_GROUP}, which holds only row-level-security-bound data rights —
     * not the owner, no superuser, no BYPASSRLS.
     */
    public void provisionChatAppRole(DatabaseTarget chatdb, String appUser, String appPassword) throws SQLException {
        new DatabaseTarget(chatdb.host(), chatdb.port(), chatdb.database(), appUser, appPassword); // validates the name
        try (Connection admin = connectAdmin(chatdb, "postgres")) {
            createChatAppGroupIfMissing(admin);
            if (exists(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", appUser)) {
                execute(admin, "SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', ?, ?)", appUser,
                        appPassword == null ? "" : appPassword);
            } else {
                execute(admin, "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', ?, ?)", appUser,
                        appPassword == null ? "" : appPassword);
            }
            execute(admin, "SELECT format('GRANT %I TO %I', ?, ?)", CHAT_APP_GROUP, appUser);
            execute(admin, "SELECT format('GRANT CONNECT ON DATABASE %I TO %I', ?, ?)", chatdb.database(), appUser);
        }
    }

    /** The group role chatdb's migrations grant data rights to (created by the provisioner, cluster-wide). */
    public static final String CHAT_APP_GROUP = "ragstream_chat_app";

    private static void createChatAppGroupIfMissing(Connection admin) throws SQLException {
        if (!exists(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", CHAT_APP_GROUP)) {
            execute(admin, "SELECT format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS', ?)", CHAT_APP_GROUP);
        }
    }

    /** @return true when this call created the role */
    private static boolean createRoleIfMissing(Connection admin, DatabaseTarget target) throws SQLException {
        if (exists(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", target.user())) {
            return false;
        }
        execute(admin, "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', ?, ?)", target.user(), target.password());
        log.info("Created role {}", target.user());
        return true;
    }

    /** @return true when this call created the database */
    private static boolean createDatabaseIfMissing(Connection admin, DatabaseTarget target) throws SQLException {
        if (exists(admin, "SELECT 1 FROM pg_database WHERE datname = ?", target.database())) {
            return false;
        }
        // template0: UTF8 works whatever template1's encoding is, and nothing added to template1 leaks in.
        execute(admin, "SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING ''UTF8''', ?, ?)",
                target.database(), target.user());
        // Only the owner (and superusers) may connect: isolation holds at the credential level.
        execute(admin, "SELECT format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', ?)", target.database());
        log.info("Created database {}", target.database());
        return true;
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

    private Connection connectAdmin(DatabaseTarget target, String database) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(database), credentials(adminUser, adminPassword));
    }

    private static Properties credentials(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }
}
