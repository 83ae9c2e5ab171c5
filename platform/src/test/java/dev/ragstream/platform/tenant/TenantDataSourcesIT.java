package dev.ragstream.platform.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each tenant's pool reaches only that tenant's database, with that tenant's role. */
class TenantDataSourcesIT {

    static final String DB_A = TestDatabase.uniqueName("rsa");
    static final String DB_B = TestDatabase.uniqueName("rsb");
    static final String ROLE_A = TestDatabase.uniqueName("rra");
    static final String ROLE_B = TestDatabase.uniqueName("rrb");

    @TempDir
    Path tenants;

    @BeforeAll
    static void createTwoTenantDatabasesWithTheirOwnRoles() throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin(); Statement st = admin.createStatement()) {
            for (String[] pair : new String[][] {{ROLE_A, DB_A}, {ROLE_B, DB_B}}) {
                st.execute("CREATE ROLE " + pair[0] + " LOGIN PASSWORD 'pw'");
                st.execute("CREATE DATABASE " + pair[1] + " OWNER " + pair[0]);
                st.execute("REVOKE CONNECT ON DATABASE " + pair[1] + " FROM PUBLIC");
            }
        }
    }

    @AfterAll
    static void drop() {
        TestDatabase.dropDatabase(DB_A);
        TestDatabase.dropDatabase(DB_B);
        TestDatabase.dropRole(ROLE_A);
        TestDatabase.dropRole(ROLE_B);
    }

    @Test
    void eachTenantIsServedThroughItsOwnDatabaseAndRole() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        writeEnv("tenant-b", DB_B, ROLE_B);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMinutes(1), Duration.ofSeconds(1), 4)) {
            assertThat(whoAmI(pools, registry.find("tenant-a").orElseThrow())).isEqualTo(ROLE_A + "@" + DB_A);
            assertThat(whoAmI(pools, registry.find("tenant-b").orElseThrow())).isEqualTo(ROLE_B + "@" + DB_B);
        }
    }

    @Test
    void changedDatabaseSettingsReplaceThePoolAndARemovedTenantLosesIt() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMinutes(1), Duration.ofSeconds(1), 4)) {
            Tenant before = registry.find("tenant-a").orElseThrow();
            var oldPool = pools.dataSource(before);
            assertThat(whoAmI(pools, before)).isEqualTo(ROLE_A + "@" + DB_A);

            writeEnv("tenant-a", DB_B, ROLE_B);
            Files.setLastModifiedTime(tenants.resolve("tenant-a/.env"), FileTime.from(Instant.now().plusSeconds(10)));
            registry.reload();
            assertThat(whoAmI(pools, registry.find("tenant-a").orElseThrow())).isEqualTo(ROLE_B + "@" + DB_B);
            assertThat(((com.zaxxer.hikari.HikariDataSource) oldPool).isClosed()).isTrue();

            Files.delete(tenants.resolve("tenant-a/.env"));
            registry.reload();
            assertThat(registry.find("tenant-a")).isEmpty();
        }
    }

    @Test
    void aFailedUnitOfWorkIsRolledBack() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMinutes(1), Duration.ofSeconds(1), 4)) {
            Tenant tenant = registry.find("tenant-a").orElseThrow();
            pools.inTransaction(tenant, c -> c.createStatement().execute("CREATE TABLE IF NOT EXISTS notes (n int)"));
            assertThatThrownBy(() -> pools.inTransaction(tenant, c -> {
                c.createStatement().execute("INSERT INTO notes VALUES (1)");
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            int rows = pools.inTransaction(tenant, c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM notes")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isZero();
        }
    }

    /**
     * A statement prepared while its table was empty and statistics said so must not keep that
     * plan (a sequential scan) once the table has grown: no execution reuses a generic plan, each
     * is planned for the table as it is.
     */
    @Test
    void aStatementPreparedWhileItsTableWasEmptyIsPlannedForTheGrownTable() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 1, Duration.ofMinutes(1), Duration.ofSeconds(1), 4)) {
            Tenant tenant = registry.find("tenant-a").orElseThrow();
            String lookup = "SELECT note FROM growing WHERE key = ?";
            pools.inTransaction(tenant, c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE growing (key text PRIMARY KEY, note text)");
                    st.execute("ANALYZE growing");
                }
                for (int i = 0; i < 20; i++) { // past the driver's and the server's thresholds for reusing a plan
                    run(c, lookup, "k" + i);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO growing SELECT 'k' || g, 'n' FROM generate_series(1, 20000) g");
                }
                return null;
            });
            long generic = pools.inTransaction(tenant, c -> {
                for (int i = 0; i < 20; i++) {
                    run(c, lookup, "k" + (i * 997));
                }
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements WHERE statement LIKE '%FROM growing%'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(generic).as("executions that reused a plan made for an empty table").isZero();
        }
    }

    private static void run(Connection c, String sql, String key) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            ps.executeQuery().close();
        }
    }

    @Test
    void aCallerWaitsAtMostTheAcquireTimeoutWhenTheTenantsPoolIsBusy() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMinutes(1), Duration.ofMillis(500), 4)) {
            Tenant tenant = registry.find("tenant-a").orElseThrow();
            try (Connection one = pools.dataSource(tenant).getConnection(); Connection two = pools.dataSource(tenant).getConnection()) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> pools.inTransaction(tenant, c -> 1))
                        .isInstanceOf(java.sql.SQLTransientConnectionException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            }
            assertThat(whoAmI(pools, tenant)).isEqualTo(ROLE_A + "@" + DB_A);
        }
    }

    @Test
    void aPatientCallerWaitsForABusyPoolButNotForAnUnreachableDatabase() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        Files.createDirectories(tenants.resolve("tenant-down"));
        Files.writeString(tenants.resolve("tenant-down").resolve(".env"), """
                TENANT_ID=tenant-down
                DB_HOST=127.0.0.1
                DB_PORT=1
                DB_NAME=%s
                DB_USER=%s
                DB_PASSWORD=pw
                """.formatted(DB_A, ROLE_A));
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 1, Duration.ofMinutes(1), Duration.ofMillis(250), 4)) {
            Tenant tenant = registry.find("tenant-a").orElseThrow();
            Connection only = pools.dataSource(tenant).getConnection();
            var pool = ((com.zaxxer.hikari.HikariDataSource) pools.dataSource(tenant)).getHikariPoolMXBean();
            Thread release = new Thread(() -> {
                // five acquire timeouts on, the patient caller is still waiting for the only connection: release it
                org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(1_250)).atMost(Duration.ofSeconds(10))
                        .until(() -> pool.getThreadsAwaitingConnection() == 1);
                try {
                    only.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> pools.withConnection(tenant, c -> 1))
                    .as("without patience: the acquire timeout").isInstanceOf(java.sql.SQLTransientConnectionException.class);
            release.start();
            int waited = pools.withConnection(tenant, Duration.ofSeconds(30), c -> 1);
            int inTransaction = pools.inTransaction(tenant, Duration.ofSeconds(30), c -> 2);
            assertThat(waited + inTransaction).isEqualTo(3);
            release.join();

            Tenant down = registry.find("tenant-down").orElseThrow();
            long started = System.nanoTime();
            assertThatThrownBy(() -> pools.withConnection(down, Duration.ofSeconds(30), c -> 1))
                    .isInstanceOf(java.sql.SQLTransientConnectionException.class).hasCauseInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no patience for a database that cannot be reached")
                    .isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void allPoolsTogetherStayWithinTheBudgetByClosingIdleOnesAndRefuseWhenAllAreBusy() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        writeEnv("tenant-b", DB_B, ROLE_B);
        writeEnv("tenant-c", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMinutes(1), Duration.ofSeconds(1), 4)) {
            Tenant a = registry.find("tenant-a").orElseThrow();
            Tenant b = registry.find("tenant-b").orElseThrow();
            Tenant c = registry.find("tenant-c").orElseThrow();
            whoAmI(pools, a);
            whoAmI(pools, b);
            assertThat(pools.committedConnections()).isEqualTo(4);

            whoAmI(pools, c);
            assertThat(pools.committedConnections()).as("the idle pool of a was closed for c").isEqualTo(4);

            try (Connection busyB = pools.dataSource(b).getConnection(); Connection busyC = pools.dataSource(c).getConnection()) {
                assertThatThrownBy(() -> whoAmI(pools, a)).isInstanceOf(TenantDataSources.PoolBudgetExhaustedException.class);
            }
            assertThat(whoAmI(pools, a)).isEqualTo(ROLE_A + "@" + DB_A);
        }
    }

    @Test
    void idlePoolsAreClosed() throws Exception {
        writeEnv("tenant-a", DB_A, ROLE_A);
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO);
             TenantDataSources pools = new TenantDataSources(registry, 2, Duration.ofMillis(1), Duration.ofSeconds(1), 4)) {
            Tenant tenant = registry.find("tenant-a").orElseThrow();
            var pool = (com.zaxxer.hikari.HikariDataSource) pools.dataSource(tenant);
            whoAmI(pools, tenant);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                pools.evictIdle();
                return pool.isClosed();
            });
            assertThat(pools.committedConnections()).isZero();
            assertThat(whoAmI(pools, tenant)).as("a closed pool is reopened on demand").isEqualTo(ROLE_A + "@" + DB_A);
        }
    }

    private static String whoAmI(TenantDataSources pools, Tenant tenant) throws SQLException {
        return pools.inTransaction(tenant, c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT current_user || '@' || current_database()")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private void writeEnv(String id, String db, String role) throws IOException {
        Files.createDirectories(tenants.resolve(id));
        Files.writeString(tenants.resolve(id).resolve(".env"), """
                TENANT_ID=%s
                DB_HOST=127.0.0.1
                DB_PORT=5432
                DB_NAME=%s
                DB_USER=%s
                DB_PASSWORD=pw
                """.formatted(id, db, role));
    }
}
