package dev.ragstream.testsupport.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the local PostgreSQL test server is: 127.0.0.1:5432 as {@code postgres} with trust
 * authentication unless the {@code RAGSTREAM_TEST_PG_*} environment variables say otherwise.
 */
record PostgresServer(String host, int port, String user, String password) {

    static final String MAINTENANCE_DATABASE = "postgres";

    static PostgresServer fromEnvironment() {
        return from(System.getenv());
    }

    static PostgresServer from(Map<String, String> env) {
        return new PostgresServer(
                env.getOrDefault("RAGSTREAM_TEST_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("RAGSTREAM_TEST_PG_PORT", "5432")),
                env.getOrDefault("RAGSTREAM_TEST_PG_USER", "postgres"),
                env.get("RAGSTREAM_TEST_PG_PASSWORD"));
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "ragstream-test-support");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /**
     * Double-quotes a database or role name so that any characters PostgreSQL allows survive.
     * Longer names are refused because PostgreSQL would silently truncate them to 63 bytes.
     */
    static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.getBytes(StandardCharsets.UTF_8).length > 63 || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a PostgreSQL identifier: " + identifier);
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
