package dev.ragstream.gateway.abuse;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Turns a fresh {@link TestDatabase} into a chatdb (the real migrations) and makes roles like the services'. */
public final class TestChatDb {

    private TestChatDb() {
    }

    /** Creates the cluster-wide group {@code ragstream_chat_app} if missing, then applies the chatdb migrations. */
    public static void migrate(TestDatabase db) throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin(); Statement st = admin.createStatement()) {
            st.execute("""
                    DO $$ BEGIN CREATE ROLE ragstream_chat_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$""");
        }
        URI server = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        DatabaseProvisioner.migrate(new DatabaseTarget(server.getHost(), server.getPort(), db.name(), db.user(),
                password()), DatabaseProvisioner.Kind.CHATDB);
    }

    /** A login role with nothing but the chat app group's rights (as the services' {@code chatuser}). */
    public static String createAppRole(TestDatabase db, String password) throws SQLException {
        String role = TestDatabase.uniqueName("rstest_gwapp");
        try (Connection admin = TestDatabase.connectAdmin(); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '" + password
                    + "' IN ROLE ragstream_chat_app");
            st.execute("GRANT CONNECT ON DATABASE " + db.name() + " TO " + role);
        }
        return role;
    }

    public static void dropRole(TestDatabase db, String role) throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin(); Statement st = admin.createStatement()) {
            st.execute("REVOKE CONNECT ON DATABASE " + db.name() + " FROM " + role);
            st.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    /** The test server's password for the superuser ({@code RAGSTREAM_TEST_PG_PASSWORD}, usually none). */
    public static String password() {
        String password = System.getenv("RAGSTREAM_TEST_PG_PASSWORD");
        return password == null ? "" : password;
    }

    /** Blocklist settings with the seed's rule (10 failures in 15 minutes block for 15 minutes). */
    static GatewayProperties.Blocklist settings(String jdbcUrl, String user, String password) {
        return new GatewayProperties.Blocklist(jdbcUrl, user, password, 4, Duration.ofSeconds(1), Duration.ofSeconds(3), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofSeconds(5));
    }
}
