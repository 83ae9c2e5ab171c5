package dev.ragstream.testsupport.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh PostgreSQL database with the {@code vector} extension for one test class, on the local
 * server (127.0.0.1:5432, user {@code postgres}, trust authentication; override with the
 * environment variables {@code RAGSTREAM_TEST_PG_HOST}, {@code RAGSTREAM_TEST_PG_PORT},
 * {@code RAGSTREAM_TEST_PG_USER} and, if needed, {@code RAGSTREAM_TEST_PG_PASSWORD}).
 *
 * <p>Register it as {@code @RegisterExtension static final TestDatabase db = new TestDatabase();}.
 * The name ({@code rstest_<random>}) is fixed at construction; the database is created before
 * the class's first test and dropped, with any open connections, after its last one. Nested test
 * classes share the outer class's database. Connections from {@link #connect()} belong to the
 * caller. Creation fails with {@link IllegalStateException} if the server is unreachable or
 * pgvector is not installed on it.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,40}");
    private static final int RANDOM_LETTERS = 12;

    private final PostgresServer server = PostgresServer.fromEnvironment();
    private final String name = uniqueName("rstest");
    private String createdBy;

    /** The database name, {@code rstest_} followed by random lowercase letters. */
    public String name() {
        return name;
    }

    /** A JDBC URL for this database, without credentials. */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /** The user to connect as (a superuser on the test server). */
    public String user() {
        return server.user();
    }

    /** A new connection to this database, owned by the caller. */
    public Connection connect() throws SQLException {
        return server.connect(name);
    }

    /** A JDBC URL for the server's {@code postgres} maintenance database, for admin statements. */
    public static String adminJdbcUrl() {
        return PostgresServer.fromEnvironment().jdbcUrl(PostgresServer.MAINTENANCE_DATABASE);
    }

    /** A new connection to the {@code postgres} maintenance database as the test user, owned by the caller. */
    public static Connection connectAdmin() throws SQLException {
        return PostgresServer.fromEnvironment().connect(PostgresServer.MAINTENANCE_DATABASE);
    }

    /**
     * A name no other test run uses: {@code prefix}, an underscore and 12 random lowercase letters.
     *
     * @throws IllegalArgumentException unless {@code prefix} is 1-41 lowercase letters, digits or
     *                                  underscores starting with a letter
     */
    public static String uniqueName(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must match " + PREFIX + ", was " + prefix);
        }
        StringBuilder name = new StringBuilder(prefix).append('_');
        ThreadLocalRandom.current().ints(RANDOM_LETTERS, 'a', 'z' + 1).forEach(c -> name.append((char) c));
        return name.toString();
    }

    /** Drops the database if it exists, closing its open connections first. */
    public static void dropDatabase(String name) {
        executeAsAdmin("DROP DATABASE IF EXISTS " + PostgresServer.quote(name) + " WITH (FORCE)");
    }

    /** Drops the role if it exists; fails if it still owns objects in a database that exists. */
    public static void dropRole(String name) {
        executeAsAdmin("DROP ROLE IF EXISTS " + PostgresServer.quote(name));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (createdBy != null) {
            return;
        }
        executeAsAdmin("CREATE DATABASE " + PostgresServer.quote(name) + " TEMPLATE template0 ENCODING 'UTF8'");
        createdBy = context.getUniqueId();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS vector");
        } catch (SQLException e) {
            dropDatabase(name);
            createdBy = null;
            throw new IllegalStateException("cannot enable pgvector in test database " + name
                    + " on " + server.host() + ":" + server.port() + " (is pgvector installed?)", e);
        }
        log.debug("Created test database {}", name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(createdBy)) {
            dropDatabase(name);
            createdBy = null;
            log.debug("Dropped test database {}", name);
        }
    }

    private static void executeAsAdmin(String sql) {
        PostgresServer server = PostgresServer.fromEnvironment();
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("failed on " + server.host() + ":" + server.port() + ": " + sql, e);
        }
    }
}
