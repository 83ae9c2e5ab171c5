package dev.ragstream.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ragstream.database.DatabaseProvisioner.Kind;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provisions real databases and roles on the local PostgreSQL server (unique names, all dropped
 * afterwards) and checks what a tenant, and an attacker holding a tenant's role, would notice.
 */
class DatabaseProvisionerIT {

    /** The newest ragdb migration (db/ragdb/V2__upload_jobs.sql). */
    private static final String LATEST_RAGDB = "11";

    private static final List<String> databases = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> roles = Collections.synchronizedList(new ArrayList<>());
    private static String host;
    private static int port;
    private static String adminUser;
    private static String adminPassword;
    private static DatabaseProvisioner provisioner;

    @BeforeAll
    static void locateServer() throws SQLException {
        URI server = URI.create(TestDatabase.adminJdbcUrl().substring("jdbc:".length()));
        host = server.getHost();
        port = server.getPort();
        try (Connection admin = TestDatabase.connectAdmin()) {
            adminUser = admin.getMetaData().getUserName();
        }
        adminPassword = System.getenv("RAGSTREAM_TEST_PG_PASSWORD");
        provisioner = new DatabaseProvisioner(adminUser, adminPassword);
    }

    @AfterAll
    static void dropEverythingCreated() {
        List<RuntimeException> failures = new ArrayList<>();
        for (String database : List.copyOf(databases)) {
            attempt(() -> TestDatabase.dropDatabase(database), failures);
        }
        for (String role : List.copyOf(roles)) {
            attempt(() -> TestDatabase.dropRole(role), failures);
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("cleanup failed");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    @Test
    void createsRoleOwnedDatabaseWithVectorExtensionAndSchemaV1() throws SQLException {
        DatabaseTarget target = newTarget("rag");

        assertThat(provisioner.provision(target, Kind.RAGDB)).isEqualTo(LATEST_RAGDB);

        try (Connection admin = adminTo("postgres")) {
            assertThat(strings(admin, "SELECT rolcanlogin || ',' || rolsuper || ',' || rolcreatedb || ',' || rolcreaterole"
                    + " FROM pg_roles WHERE rolname = ?", target.user())).containsExactly("true,false,false,false");
            assertThat(strings(admin, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", target.database()))
                    .containsExactly(target.user());
        }
        try (Connection admin = adminTo(target.database())) {
            assertThat(strings(admin, "SELECT extname FROM pg_extension")).contains("vector");
            assertThat(strings(admin, "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'public'"))
                    .containsExactlyInAnyOrder(owned(target, "documents", "chunks", "chunk_vectors", "chat_sessions",
                            "chat_messages", "embedding_generations", "flyway_schema_history"));
            assertThat(strings(admin, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = 'chunk_vectors'::regclass AND attname = 'embedding'")).containsExactly("vector");
            assertThat(strings(admin, "SELECT format_type(atttypid, atttypmod) || ':' || attgenerated::text FROM pg_attribute"
                    + " WHERE attrelid = 'chunks'::regclass AND attname = 'content_tsv'")).containsExactly("tsvector:s");
            assertThat(strings(admin, "SELECT indexdef FROM pg_indexes WHERE tablename IN ('chunks', 'chunk_vectors')"))
                    .anySatisfy(def -> assertThat(def).contains("USING gin (content_tsv)"))
                    .as("an empty generation has no HNSW index: it is built once its vectors are loaded")
                    .noneSatisfy(def -> assertThat(def).contains("USING hnsw"));
            assertThat(strings(admin, "SELECT generation || ':' || model || ':' || dimension FROM embedding_generations WHERE active"))
                    .containsExactly("1:all-minilm-l6-v2:384");
        }
    }

    @Test
    void tenantRoleCanStoreChunksAndFindThemByVectorAndByKeyword() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        provisioner.provision(target, Kind.RAGDB);

        try (Connection tenant = connectAs(target)) {
            UUID document = insertDocument(tenant);
            insertChunk(tenant, document, 0, "Zebras have black and white stripes.", vector(0));
            insertChunk(tenant, document, 1, "Invoices are due within thirty days.", vector(1));

            assertThat(strings(tenant, "SELECT content FROM chunks JOIN chunk_vectors USING (document_id, version, chunk_index)"
                    + " WHERE generation = 1 ORDER BY embedding::vector(384) <=> ?::vector(384) LIMIT 1", vector(1)))
                    .containsExactly("Invoices are due within thirty days.");
            assertThat(strings(tenant, "SELECT content FROM chunks WHERE content_tsv @@ plainto_tsquery('english', ?)", "zebra"))
                    .containsExactly("Zebras have black and white stripes.");
            SQLException wrongDimension = catchThrowableOfType(SQLException.class,
                    () -> insertChunk(tenant, document, 2, "three dimensions", "[1,0,0]"));
            assertThat(wrongDimension.getMessage()).contains("expected 384 dimensions");
        }
    }

    @Test
    void provisioningTwiceIsANoOpThatKeepsDataAndReturnsTheSameVersion() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        String first = provisioner.provision(target, Kind.RAGDB);
        UUID document;
        List<String> history;
        try (Connection tenant = connectAs(target)) {
            document = insertDocument(tenant);
            history = strings(tenant, "SELECT installed_rank || ':' || version FROM flyway_schema_history");
        }

        String second = provisioner.provision(target, Kind.RAGDB);

        assertThat(second).isEqualTo(first).isEqualTo(LATEST_RAGDB);
        assertThat(DatabaseProvisioner.current(target, Kind.RAGDB)).isEqualTo(LATEST_RAGDB);
        try (Connection tenant = connectAs(target)) {
            assertThat(strings(tenant, "SELECT installed_rank || ':' || version FROM flyway_schema_history"))
                    .isEqualTo(history);
            assertThat(strings(tenant, "SELECT id::text FROM documents")).containsExactly(document.toString());
            assertThat(strings(tenant, "SELECT count(*) FROM embedding_generations WHERE active")).containsExactly("1");
        }
    }

    @Test
    void upgradingAVersion2DatabaseMovesItsVectorsIntoGenerationOne() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        try (Connection admin = adminTo("postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + target.user() + " LOGIN PASSWORD '" + target.password() + "'");
            st.execute("CREATE DATABASE " + target.database() + " OWNER " + target.user());
        }
        try (Connection admin = adminTo(target.database()); Statement st = admin.createStatement()) {
            st.execute("CREATE EXTENSION vector");
        }
        Flyway.configure().dataSource(target.jdbcUrl(), target.user(), target.password())
                .locations("classpath:db/ragdb").target("2").load().migrate();
        try (Connection tenant = connectAs(target); Statement st = tenant.createStatement()) {
            UUID document = insertDocument(tenant);
            for (int axis = 0; axis < 2; axis++) {
                st.execute("INSERT INTO chunks (document_id, version, chunk_index, content, token_count, embedding) VALUES ('"
                        + document + "', 1, " + axis + ", 'chunk " + axis + "', 2, '" + vector(axis) + "')");
            }
        }

        assertThat(DatabaseProvisioner.migrate(target, Kind.RAGDB)).isEqualTo(LATEST_RAGDB);

        try (Connection tenant = connectAs(target)) {
            assertThat(strings(tenant, "SELECT content FROM chunks JOIN chunk_vectors USING (document_id, version, chunk_index)"
                    + " WHERE generation = 1 ORDER BY embedding::vector(384) <=> ?::vector(384) LIMIT 1", vector(1)))
                    .containsExactly("chunk 1");
            assertThat(strings(tenant, "SELECT count(*) FROM chunk_vectors")).containsExactly("2");
            assertThat(strings(tenant, "SELECT indexdef FROM pg_indexes WHERE indexname = 'chunk_vectors_g1_hnsw'"))
                    .as("a generation with vectors keeps its index").singleElement().satisfies(def -> assertThat(def)
                            .contains("USING hnsw (((embedding)::vector(384)) vector_cosine_ops)")
                            .contains("m='16'", "ef_construction='64'").endsWith("WHERE (generation = 1)"));
            assertThat(strings(tenant, "SELECT provider || ':' || model || ':' || dimension || ':' || (activated_at IS NOT NULL)"
                    + " FROM embedding_generations WHERE active")).containsExactly("local:all-minilm-l6-v2:384:true");
        }
    }

    @Test
    void aDocumentIsQueuedAtWhenItIsInsertedAndWhenItGetsANewVersionOnly() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        provisioner.provision(target, Kind.RAGDB);

        try (Connection tenant = connectAs(target)) {
            UUID document = insertDocument(tenant);
            String inserted = strings(tenant, "SELECT queued_at::text FROM documents").get(0);
            try (Statement st = tenant.createStatement()) {
                st.executeUpdate("UPDATE documents SET status = 'chunking' WHERE id = '" + document + "'");
            }
            assertThat(strings(tenant, "SELECT queued_at::text FROM documents")).containsExactly(inserted);
            String bumped;
            tenant.setAutoCommit(false);
            try (Statement st = tenant.createStatement()) {
                bumped = strings(tenant, "SELECT now()::text").get(0); // the time of this transaction
                st.executeUpdate("UPDATE documents SET version = version + 1, status = 'queued' WHERE id = '" + document + "'");
                tenant.commit();
            }
            assertThat(strings(tenant, "SELECT queued_at::text FROM documents")).containsExactly(bumped).doesNotContain(inserted);
        }
    }

    @Test
    void eachChunkIsSearchedInItsOwnTextSearchLanguage() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        provisioner.provision(target, Kind.RAGDB);

        try (Connection tenant = connectAs(target); Statement st = tenant.createStatement()) {
            UUID document = insertDocument(tenant);
            st.executeUpdate("INSERT INTO chunks (document_id, version, chunk_index, content, token_count, ts_config) VALUES ('"
                    + document + "', 1, 0, 'Die Häuser am Hafen wurden gestrichen.', 8, 'german')");
            st.executeUpdate("INSERT INTO chunks (document_id, version, chunk_index, content, token_count) VALUES ('"
                    + document + "', 1, 1, 'The houses by the harbour were painted.', 8)");

            assertThat(strings(tenant, "SELECT chunk_index::text FROM chunks WHERE content_tsv @@ websearch_to_tsquery('german', 'Haus')"))
                    .containsExactly("0");
            assertThat(strings(tenant, "SELECT chunk_index::text FROM chunks WHERE content_tsv @@ websearch_to_tsquery('english', 'house')"))
                    .containsExactly("1");
        }
    }

    @Test
    void tenantRoleCannotConnectToAnotherTenantsDatabase() throws SQLException {
        DatabaseTarget tenantA = newTarget("rag_a");
        DatabaseTarget tenantB = newTarget("rag_b");
        DatabaseTarget chat = newTarget("chat");
        provisioner.provision(tenantA, Kind.RAGDB);
        provisioner.provision(tenantB, Kind.RAGDB);
        provisioner.provision(chat, Kind.CHATDB);

        try (Connection own = connectAs(tenantA)) {
            assertThat(strings(own, "SELECT current_user")).containsExactly(tenantA.user());
        }
        assertRefusedConnection(tenantA, tenantB);
        assertRefusedConnection(tenantB, tenantA);
        assertRefusedConnection(tenantA, chat);
        assertRefusedConnection(chat, tenantA);
    }

    @Test
    void chatdbHasTheSharedTablesWithForcedRowLevelSecurity() throws SQLException {
        DatabaseTarget chat = newTarget("chat");

        assertThat(provisioner.provision(chat, Kind.CHATDB)).isEqualTo("2");

        try (Connection admin = adminTo(chat.database())) {
            assertThat(strings(admin, "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'public'"))
                    .containsExactlyInAnyOrder(owned(chat, "widget_settings", "prompts", "inquiries", "ip_blocklist",
                            "flyway_schema_history"));
            assertThat(strings(admin, "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity"))
                    .containsExactlyInAnyOrder("widget_settings", "prompts", "inquiries");
            assertThat(strings(admin, "SELECT extname FROM pg_extension")).doesNotContain("vector");
        }
    }

    @Test
    void theServicesChatRoleIsNeitherOwnerNorSuperuserAndCannotSwitchRowLevelSecurityOff() throws SQLException {
        DatabaseTarget chat = newTarget("chat");
        provisioner.provision(chat, Kind.CHATDB);
        String appUser = TestDatabase.uniqueName("rstest_chatapp");
        roles.add(appUser);
        provisioner.provisionChatAppRole(chat, appUser, "app-pw");
        DatabaseTarget app = new DatabaseTarget(chat.host(), chat.port(), chat.database(), appUser, "app-pw");

        try (Connection admin = adminTo("postgres")) {
            assertThat(strings(admin, "SELECT rolsuper || ',' || rolbypassrls || ',' || rolcanlogin FROM pg_roles WHERE rolname = ?",
                    appUser)).containsExactly("false,false,true");
        }
        try (Connection admin = adminTo(chat.database())) {
            insertTenantRow(admin, "prompts", "b", "row-of-b");
        }
        try (Connection c = connectAs(app); Statement st = c.createStatement()) {
            assertThat(strings(c, "SELECT count(*) FROM prompts")).as("no tenant context").containsExactly("0");
            st.execute("SET ragstream.tenant_id = 'a'");
            insertTenantRow(c, "prompts", "a", "row-of-a");
            assertThat(strings(c, "SELECT tenant_id FROM prompts")).containsExactly("a");
            assertThatThrownBy(() -> st.execute("ALTER TABLE prompts NO FORCE ROW LEVEL SECURITY"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> st.execute("SET row_security = off; SELECT * FROM prompts"))
                    .isInstanceOf(SQLException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"widget_settings", "prompts", "inquiries"})
    void rowLevelSecurityHidesAndRefusesOtherTenantsRows(String table) throws SQLException {
        DatabaseTarget chat = newTarget("chat");
        provisioner.provision(chat, Kind.CHATDB);
        try (Connection admin = adminTo(chat.database())) {
            insertTenantRow(admin, table, "b", "row-of-b");
        }

        try (Connection app = connectAs(chat); Statement st = app.createStatement()) {
            assertThat(strings(app, "SELECT tenant_id FROM " + table)).as("no tenant set").isEmpty();
            st.execute("SET ragstream.tenant_id = 'a'");
            insertTenantRow(app, table, "a", "row-of-a");

            SQLException foreignInsert = catchThrowableOfType(SQLException.class,
                    () -> insertTenantRow(app, table, "b", "smuggled"));
            assertThat(foreignInsert.getSQLState()).isEqualTo("42501");
            assertThat(foreignInsert.getMessage()).contains("row-level security");
            assertThat(strings(app, "SELECT tenant_id FROM " + table)).containsExactly("a");
            assertThat(strings(app, "SELECT count(*) FROM " + table + " WHERE tenant_id = 'b'")).containsExactly("0");
            assertThat(st.executeUpdate("UPDATE " + table + " SET tenant_id = 'a' WHERE tenant_id = 'b'")).isZero();
            assertThat(st.executeUpdate("DELETE FROM " + table + " WHERE tenant_id = 'b'")).isZero();
            assertThatThrownBy(() -> st.executeUpdate("UPDATE " + table + " SET tenant_id = 'b'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
        }
        try (Connection admin = adminTo(chat.database())) {
            assertThat(strings(admin, "SELECT tenant_id FROM " + table + " ORDER BY tenant_id")).containsExactly("a", "b");
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"x; DROP DATABASE postgres", "x\"; DROP ROLE postgres; --", "robert'); DROP TABLE documents; --",
            "../ragdb", "ragdb-acme", "Ragdb", "9ragdb", "ragdb acme", "ragdb\u0000", "ragdb_\u00e9",
            "a_name_of_sixty_four_characters_is_one_too_long_for_postgresql__"})
    void rejectsDatabaseAndRoleNamesThatAreNotPlainIdentifiers(String name) {
        assertThatThrownBy(() -> new DatabaseTarget(host, port, name, "rstest_role", "pw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("database name must match");
        assertThatThrownBy(() -> new DatabaseTarget(host, port, "rstest_db", name, "pw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("database user must match");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "db/postgres?socketFactory=x", "db?user=postgres", "db:5432", "db&ssl=false", "db host",
            "@db", "-db"})
    void rejectsHostsThatCouldRewriteTheJdbcUrl(String badHost) {
        assertThatThrownBy(() -> new DatabaseTarget(badHost, port, "rstest_db", "rstest_role", "pw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid database host");
    }

    @Test
    void acceptsOrdinaryHostsAndNamesOfSixtyThreeCharacters() {
        String longest = "a".repeat(63);
        for (String okHost : List.of("localhost", "127.0.0.1", "db-1.internal.example.com", "pg_primary", "[::1]")) {
            assertThat(new DatabaseTarget(okHost, 5432, longest, longest, null).jdbcUrl())
                    .isEqualTo("jdbc:postgresql://" + okHost + ":5432/" + longest);
        }
    }

    @Test
    void passwordsAreQuotedSoTheyCannotInjectSql() throws SQLException {
        String nasty = "it's\"; DROP ROLE " + adminUser + "; --";
        DatabaseTarget target = newTarget("rag", nasty);

        provisioner.provision(target, Kind.RAGDB);

        try (Connection admin = adminTo("postgres")) {
            assertThat(strings(admin, "SELECT rolpassword FROM pg_authid WHERE rolname = ?", target.user()))
                    .singleElement().asString().startsWith("SCRAM-SHA-256$");
            assertThat(strings(admin, "SELECT rolname FROM pg_roles WHERE rolname = ?", adminUser)).hasSize(1);
        }
    }

    @Test
    void failedProvisioningDropsTheDatabaseItCreatedButKeepsAPreExistingRole() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        try (Connection admin = adminTo("postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + target.user() + " NOLOGIN"); // a group role: migrations cannot log in as it
        }

        assertThatThrownBy(() -> provisioner.provision(target, Kind.RAGDB)).hasMessageContaining("not permitted to log in");

        assertThat(databaseExists(target.database())).isFalse();
        assertThat(roleExists(target.user())).isTrue();
    }

    @Test
    void failedProvisioningDropsTheRoleItCreatedButKeepsAPreExistingDatabase() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        try (Connection admin = adminTo("postgres"); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + target.database());
        }
        try (Connection admin = adminTo(target.database()); Statement st = admin.createStatement()) {
            // V1 fails half-way, after Flyway created its history table as the new role.
            st.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
            st.execute("CREATE SCHEMA keep");
            st.execute("CREATE TABLE keep.data AS SELECT 42 AS id");
            st.execute("CREATE FUNCTION keep.refuse_chunks() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'public.chunks')"
                    + " THEN RAISE EXCEPTION 'refusing chunks'; END IF; END $$");
            st.execute("CREATE EVENT TRIGGER refuse_chunks ON ddl_command_end EXECUTE FUNCTION keep.refuse_chunks()");
        }

        assertThatThrownBy(() -> provisioner.provision(target, Kind.RAGDB)).hasMessageContaining("refusing chunks");

        assertThat(roleExists(target.user())).isFalse();
        assertThat(databaseExists(target.database())).isTrue();
        try (Connection admin = adminTo(target.database())) {
            assertThat(strings(admin, "SELECT id::text FROM keep.data")).containsExactly("42");
            assertThat(strings(admin, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).isEmpty();
        }
    }

    @Test
    void unreachableServerFailsWithAnSqlExceptionNamingTheServer() {
        DatabaseTarget target = new DatabaseTarget(host, 1, TestDatabase.uniqueName("rstest_rag"),
                TestDatabase.uniqueName("rstest_rag_owner"), "pw");

        assertThatThrownBy(() -> provisioner.provision(target, Kind.RAGDB))
                .isInstanceOf(SQLException.class).hasMessageContaining(host + ":1");
    }

    @Test
    void dropRemovesTheDatabaseAndItsRole() throws SQLException {
        DatabaseTarget target = newTarget("rag");
        provisioner.provision(target, Kind.RAGDB);
        try (Connection held = connectAs(target)) {
            provisioner.drop(target, true);
        }
        assertThat(databaseExists(target.database())).isFalse();
        assertThat(roleExists(target.user())).isFalse();
    }

    private static void assertRefusedConnection(DatabaseTarget as, DatabaseTarget to) {
        SQLException refused = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(to.jdbcUrl(), as.user(), as.password()).close());
        assertThat((Throwable) refused).as("%s connecting to %s", as.user(), to.database()).isNotNull();
        assertThat(refused.getMessage()).contains("permission denied for database \"" + to.database() + "\"");
        assertThat(refused.getSQLState()).isEqualTo("42501");
    }

    private static DatabaseTarget newTarget(String prefix) {
        return newTarget(prefix, "pw-" + UUID.randomUUID());
    }

    private static DatabaseTarget newTarget(String prefix, String password) {
        String database = TestDatabase.uniqueName("rstest_" + prefix);
        String role = TestDatabase.uniqueName("rstest_" + prefix + "_owner");
        databases.add(database);
        roles.add(role);
        return new DatabaseTarget(host, port, database, role, password);
    }

    private static String[] owned(DatabaseTarget target, String... tables) {
        return Arrays.stream(tables).map(t -> t + ":" + target.user()).toArray(String[]::new);
    }

    private static UUID insertDocument(Connection c) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status)"
                + " VALUES (?, 'zebra-facts.txt', 'text/plain', 42, repeat('a', 64), 'indexed')")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return id;
    }

    private static void insertChunk(Connection c, UUID document, int index, String content, String vector) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chunks (document_id, version, chunk_index, content, token_count)"
                + " VALUES (?, 1, ?, ?, 8)")) {
            ps.setObject(1, document);
            ps.setInt(2, index);
            ps.setString(3, content);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chunk_vectors (generation, document_id, version, chunk_index,"
                + " embedding) VALUES (1, ?, 1, ?, ?::vector)")) { // generation 1's index takes 384 dimensions only
            ps.setObject(1, document);
            ps.setInt(2, index);
            ps.setString(3, vector);
            ps.executeUpdate();
        }
    }

    /** A 384-dimensional unit vector along {@code axis}. */
    private static String vector(int axis) {
        return IntStream.range(0, 384).mapToObj(i -> i == axis ? "1" : "0").collect(Collectors.joining(",", "[", "]"));
    }

    private static void insertTenantRow(Connection c, String table, String tenant, String name) throws SQLException {
        String sql = switch (table) {
            case "widget_settings" -> "INSERT INTO widget_settings (tenant_id, widget_key) VALUES (?, ?)";
            case "prompts" -> "INSERT INTO prompts (tenant_id, name, template) VALUES (?, ?, 'Answer {question}')";
            case "inquiries" -> "INSERT INTO inquiries (tenant_id, name, email, message) VALUES (?, ?, 'a@example.com', 'hi')";
            default -> throw new IllegalArgumentException(table);
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    private static Connection connectAs(DatabaseTarget target) throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
    }

    private static Connection adminTo(String database) throws SQLException {
        return DriverManager.getConnection(TestDatabase.adminJdbcUrl().replaceFirst("/postgres$", "/" + database),
                adminUser, adminPassword);
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin()) {
            return !strings(admin, "SELECT 1 FROM pg_database WHERE datname = ?", name).isEmpty();
        }
    }

    private static boolean roleExists(String name) throws SQLException {
        try (Connection admin = TestDatabase.connectAdmin()) {
            return !strings(admin, "SELECT 1 FROM pg_roles WHERE rolname = ?", name).isEmpty();
        }
    }

    private static List<String> strings(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    private static void attempt(Runnable cleanup, List<RuntimeException> failures) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
