package dev.ragstream.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class TestDatabaseIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void existsWithPgvectorWhileTheClassRuns() throws SQLException {
        assertThat(db.name()).matches("rstest_[a-z]{12}");
        assertThat(databaseExists(db.name())).isTrue();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            ResultSet distance = statement.executeQuery("SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector");
            distance.next();
            assertThat(distance.getDouble(1)).isEqualTo(1.0);
            assertThat(connection.getMetaData().getURL()).isEqualTo(db.jdbcUrl());
            assertThat(connection.getMetaData().getUserName()).isEqualTo(db.user());
        }
    }

    @Test
    void isDroppedAfterTheLastTestOfItsClass() throws SQLException {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(RecordsItsDatabase.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(RecordsItsDatabase.name.get()).isNotNull().isNotEqualTo(db.name());
        assertThat(databaseExists(RecordsItsDatabase.name.get())).isFalse();
        assertThat(databaseExists(db.name())).isTrue();
    }

    @Test
    void helpersDropExtraDatabasesAndRoles() throws SQLException {
        String database = TestDatabase.uniqueName("rstest_tenant");
        String role = TestDatabase.uniqueName("rstest_role");
        try (Connection admin = TestDatabase.connectAdmin(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN");
            statement.execute("CREATE DATABASE " + database + " OWNER " + role);
        }
        try (Connection held = connectTo(database)) {
            TestDatabase.dropDatabase(database);
            TestDatabase.dropRole(role);
        }
        assertThat(databaseExists(database)).isFalse();
        assertThat(exists("SELECT 1 FROM pg_roles WHERE rolname = ?", role)).isFalse();
    }

    /** Run only through {@link EngineTestKit}: failsafe picks classes by their own name. */
    static class RecordsItsDatabase {

        static final AtomicReference<String> name = new AtomicReference<>();

        @RegisterExtension
        static final TestDatabase scenarioDb = new TestDatabase();

        @Test
        void outerTest() throws SQLException {
            name.set(scenarioDb.name());
            assertThat(databaseExists(scenarioDb.name())).isTrue();
        }

        @Nested
        class Inner {
            @Test
            void nestedClassSharesTheDatabase() throws SQLException {
                assertThat(databaseExists(scenarioDb.name())).isTrue();
            }
        }
    }

    private static Connection connectTo(String database) throws SQLException {
        String url = TestDatabase.adminJdbcUrl().replaceFirst("/postgres$", "/" + database);
        return DriverManager.getConnection(url, db.user(), null);
    }

    private static boolean databaseExists(String name) throws SQLException {
        return exists("SELECT 1 FROM pg_database WHERE datname = ?", name);
    }

    private static boolean exists(String sql, String name) throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin(); PreparedStatement query = admin.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
