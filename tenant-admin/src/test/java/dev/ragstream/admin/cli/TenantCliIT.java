package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.databaseOf;
import static dev.ragstream.admin.cli.Cli.databasesAndRolesContaining;
import static dev.ragstream.admin.cli.Cli.entries;
import static dev.ragstream.admin.cli.Cli.newTenantId;
import static dev.ragstream.admin.cli.Cli.query;
import static dev.ragstream.admin.cli.Cli.randomLetters;
import static dev.ragstream.admin.cli.Cli.roleOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.Result;
import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives {@code bin/tenant} in-process against a temporary tenants folder and the local
 * PostgreSQL server; every tenant id is unique and every database and role created is dropped.
 */
class TenantCliIT {

    /** Every variable of the PHP system's tenant .env template (the seed), in its order. */
    private static final List<String> SEED_VARIABLES = List.of("TENANT_ID", "TENANT_NAME",
            "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",
            "ADMIN_DB_HOST", "ADMIN_DB_PORT", "ADMIN_DB_NAME", "ADMIN_DB_USER", "ADMIN_DB_PASSWORD",
            "ADMIN_API_KEY", "CHAT_API_KEY", "UPLOAD_API_KEY",
            "LLM_PROVIDER", "OPENAI_API_KEY", "OPENAI_MODEL", "ANTHROPIC_API_KEY", "CLAUDE_MODEL",
            "DOCLING_SERVICE_URL", "MAX_UPLOAD_SIZE_MB", "ALLOWED_ORIGINS", "ADMIN_USERNAME", "ADMIN_PASSWORD",
            "API_DEBUG_LOGGING_ENABLED", "API_DEBUG_LOG_PATH", "API_DEBUG_USERNAME", "API_DEBUG_PASSWORD");
    /** What ragstream's template adds to the seed's, after the LLM settings: the embedding model. */
    private static final List<String> ADDED_VARIABLES = List.of("EMBEDDING_PROVIDER", "EMBEDDING_MODEL");
    private static final List<String> API_KEYS = List.of("ADMIN_API_KEY", "CHAT_API_KEY", "UPLOAD_API_KEY");

    private static final List<String> extraRoles = Collections.synchronizedList(new ArrayList<>());
    private static final String host = Cli.HOST;
    private static final int port = Cli.PORT;
    private static final String adminUser = Cli.ADMIN_USER;

    @TempDir
    Path temp;

    @AfterAll
    static void dropDatabasesAndRoles() {
        Cli.dropTenantDatabases();
        extraRoles.forEach(TestDatabase::dropRole);
    }

    @Test
    void createWritesEverySeedVariableAndProvisionsTheTenantsOwnDatabase() throws Exception {
        String id = newTenantId();

        Result result = tenant(create(id, "--name=Acme Corporation"));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("Creating tenant: " + id, "Tenant created successfully!");
        Map<String, String> env = EnvFile.read(envOf(id));
        List<String> expected = new ArrayList<>(SEED_VARIABLES);
        expected.addAll(expected.indexOf("CLAUDE_MODEL") + 1, ADDED_VARIABLES);
        assertThat(env.keySet()).containsExactlyElementsOf(expected);
        assertThat(env).containsEntry("EMBEDDING_PROVIDER", "local").containsEntry("EMBEDDING_MODEL", "all-minilm-l6-v2-q");
        try (Connection c = Cli.connectAdmin(databaseOf(id));
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT generation || ':' || model FROM embedding_generations WHERE active")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the first generation is the new tenant's model").isEqualTo("1:all-minilm-l6-v2-q");
        }
        assertThat(env).containsEntry("TENANT_ID", id).containsEntry("TENANT_NAME", "Acme Corporation")
                .containsEntry("DB_HOST", host).containsEntry("DB_PORT", String.valueOf(port))
                .containsEntry("DB_NAME", databaseOf(id)).containsEntry("DB_USER", roleOf(id))
                .containsEntry("MAX_UPLOAD_SIZE_MB", "100").containsEntry("ADMIN_USERNAME", "admin")
                .containsEntry("API_DEBUG_LOGGING_ENABLED", "false");
        assertThat(List.of(env.get("DB_PASSWORD"), env.get("ADMIN_PASSWORD"), env.get("API_DEBUG_PASSWORD")))
                .allSatisfy(secret -> assertThat(secret).hasSizeGreaterThanOrEqualTo(32));
        List<String> keys = API_KEYS.stream().map(env::get).toList();
        assertThat(keys).doesNotHaveDuplicates()
                .allSatisfy(key -> assertThat(key).startsWith("rsk_").hasSizeGreaterThan(40));
        assertThat(result.out()).contains(keys);
        assertThat(Files.readString(envOf(id))).contains("# ENDPOINT_CHAT_ENABLED=true", "# ENDPOINT_API_DEBUG_ENABLED=true");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tenants().resolve(id)))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envOf(id)))).isEqualTo("rw-r-----");
        assertThat(entries(tenants())).containsExactly(id);

        assertThat(databaseOwner(databaseOf(id))).isEqualTo(roleOf(id));
        DatabaseTarget fromEnv = new DatabaseTarget(env.get("DB_HOST"), Integer.parseInt(env.get("DB_PORT")),
                env.get("DB_NAME"), env.get("DB_USER"), env.get("DB_PASSWORD"));
        assertThat(DatabaseProvisioner.current(fromEnv, DatabaseProvisioner.Kind.RAGDB)).isEqualTo("11");
    }

    @Test
    void createOfAnExistingTenantFailsWithOneLineAndChangesNothing() throws Exception {
        String id = newTenantId();
        assertThat(tenant(create(id, "--name=First", "--no-provision")).exit()).isZero();
        byte[] before = Files.readAllBytes(envOf(id));

        Result again = tenant(create(id, "--name=Second"));

        assertOneLineFailure(again, 1).contains("already exists");
        assertThat(Files.readAllBytes(envOf(id))).isEqualTo(before);
        assertThat(entries(tenants())).containsExactly(id);
        assertThat(databasesAndRolesContaining(id.replace('-', '_'))).isEmpty();
    }

    /** Part of every invalid id below, to prove no database or role was named after one. */
    private static final String MARKER = randomLetters(10);

    static Stream<String> invalidTenantIds() {
        String marker = MARKER;
        return Stream.of("../" + marker, "A B" + marker, "Upper" + marker, ("it-" + marker + "-").repeat(5).substring(0, 64),
                "-" + marker, marker + "-", "it_" + marker, "it/" + marker, "it." + marker, "x", "");
    }

    @ParameterizedTest
    @MethodSource("invalidTenantIds")
    void rejectsAnInvalidTenantIdBeforeTouchingFilesOrDatabases(String id) throws Exception {
        Result result = tenant(create(id));

        assertOneLineFailure(result, 1).startsWith("Error: Invalid tenant id");
        assertThat(result.out()).isEmpty();
        assertThat(entries(temp)).isEmpty();
        assertThat(databasesAndRolesContaining(MARKER)).isEmpty();
    }

    @Test
    void createWhoseServerIsUnreachableLeavesNoFolder() throws Exception {
        String id = newTenantId();

        Result result = tenant(create(id, "--db-port=1"));

        assertOneLineFailure(result, 1).contains("cannot provision database", host + ":1", "nothing was created");
        assertThat(entries(tenants())).isEmpty();
    }

    @Test
    void createWhoseMigrationFailsDropsTheNewDatabaseButKeepsTheExistingRole() throws Exception {
        String id = newTenantId();
        String groupRole = TestDatabase.uniqueName("rstest_group");
        extraRoles.add(groupRole);
        try (Connection admin = TestDatabase.connectAdmin(); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + groupRole + " NOLOGIN");
        }

        Result result = tenant(create(id, "--db-user=" + groupRole));

        assertOneLineFailure(result, 1).contains("cannot provision database", "not permitted to log in");
        assertThat(entries(tenants())).isEmpty();
        assertThat(databasesAndRolesContaining(databaseOf(id))).isEmpty();
        assertThat(databasesAndRolesContaining(groupRole)).as(result.err()).containsExactly(groupRole);
    }

    @Test
    void noProvisionWritesTheConfigurationButCreatesNoDatabase() throws Exception {
        String id = newTenantId();

        Result result = tenant(create(id, "--no-provision"));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Tenant created successfully!",
                "Create the database " + databaseOf(id) + " for role " + roleOf(id));
        assertThat(EnvFile.read(envOf(id))).containsEntry("DB_NAME", databaseOf(id)).containsEntry("DB_USER", roleOf(id));
        assertThat(databasesAndRolesContaining(id.replace('-', '_'))).isEmpty();
    }

    @Test
    void createRefusesAnIdTooLongForTheDefaultDatabaseNameUnlessNamesAreGiven() throws Exception {
        String id = ("it-" + randomLetters(60)).substring(0, 63);

        Result result = tenant(create(id, "--no-provision"));

        assertOneLineFailure(result, 1).contains("--db-name", "--db-user");
        assertThat(entries(temp)).isEmpty();
        Result named = tenant(create(id, "--no-provision", "--db-name=ragdb_long", "--db-user=rag_long"));
        assertThat(named.exit()).as(named.toString()).isZero();
        assertThat(EnvFile.read(envOf(id))).containsEntry("TENANT_ID", id).containsEntry("DB_NAME", "ragdb_long");
    }

    @Test
    void valuesThatLookLikeCommentsOrQuotesSurviveTheRoundTrip() throws Exception {
        String id = newTenantId();

        Result result = tenant(create(id, "--no-provision", "--name='Zebra' #1 Corp", "--db-password=pa ss #word\""));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(EnvFile.read(envOf(id))).containsEntry("TENANT_NAME", "'Zebra' #1 Corp")
                .containsEntry("DB_PASSWORD", "pa ss #word\"");
    }

    @Test
    void listPrintsEveryTenantWithItsNameAndTheTotal() throws Exception {
        String first = "it-a-" + randomLetters(8);
        String second = "it-b-" + randomLetters(8);
        assertThat(tenant(create(first, "--no-provision", "--name=Acme Corporation")).exit()).isZero();
        assertThat(tenant(create(second, "--no-provision", "--name=Zebra #1 Corp")).exit()).isZero();
        Files.createDirectories(tenants().resolve("Not-A-Tenant"));
        Files.writeString(tenants().resolve("Not-A-Tenant/.env"), "TENANT_ID=Not-A-Tenant\n");
        Files.createDirectories(tenants().resolve("it-without-env"));

        Result result = tenant("--tenants-dir=" + tenants(), "list");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out().lines()).containsExactly("Available tenants:", "- " + first + " (Acme Corporation)",
                "- " + second + " (Zebra #1 Corp)", "Total: 2 tenants");
        assertThat(EnvFile.read(envOf(first)).get("CHAT_API_KEY")).isNotEqualTo(EnvFile.read(envOf(second)).get("CHAT_API_KEY"));
    }

    @Test
    void listOfAnEmptyFolderSaysSo() {
        Result result = tenant("--tenants-dir=" + tenants(), "list");

        assertThat(result.exit()).isZero();
        assertThat(result.out().lines()).containsExactly("Available tenants:", "Total: 0 tenants");
    }

    @Test
    void initChatdbCreatesTheSharedDatabaseAndIsIdempotent() throws Exception {
        String database = TestDatabase.uniqueName("rstest_chatdb");
        String role = TestDatabase.uniqueName("rstest_chatuser");
        extraRoles.add(role);
        String[] args = {"--pg-admin-user=" + adminUser, "init-chatdb", "--db-host=" + host, "--db-port=" + port,
                "--db-name=" + database, "--db-user=" + role, "--db-password=chat-secret"};
        try {
            Result first = tenant(args);
            Result second = tenant(args);

            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(second.exit()).as(second.toString()).isZero();
            assertThat(first.out()).contains("chatdb ready:", database, "at schema version 2").doesNotContain("chat-secret");
            assertThat(second.out()).contains("at schema version 2");
            assertThat(databaseOwner(database)).isEqualTo(role);
            DatabaseTarget chat = new DatabaseTarget(host, port, database, role, "chat-secret");
            assertThat(DatabaseProvisioner.current(chat, DatabaseProvisioner.Kind.CHATDB)).isEqualTo("2");
        } finally {
            TestDatabase.dropDatabase(database);
        }
    }

    static Stream<List<String>> invalidCommandLines() {
        return Stream.of(List.of("create"), List.of("create", "it-x", "--db-port=abc"), List.of("create", "it-x", "--bogus"),
                List.of("frobnicate"), List.of("create", "it-x", "it-y"), List.of("list", "--db-port"));
    }

    @ParameterizedTest
    @MethodSource("invalidCommandLines")
    void invalidCommandLinesFailWithOneLineAndExitCode2(List<String> args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--tenants-dir=" + tenants()));
        all.addAll(args);

        Result result = tenant(all.toArray(String[]::new));

        assertOneLineFailure(result, 2).startsWith("Error: ").contains("--help");
        assertThat(result.out()).isEmpty();
        assertThat(entries(temp)).isEmpty();
    }

    @Test
    void helpListsTheCommandsAndSucceeds() {
        Result result = tenant("--help");

        assertThat(result.exit()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("create", "list", "show", "regenerate-keys", "delete", "test-db", "migrate",
                "import", "cleanup-history", "init-chatdb");
    }

    private static Result tenant(String... args) {
        return Cli.raw(Cli.PIPE, args);
    }

    /** {@code tenant create} on the test server; the id comes after {@code --}, so ids like "-x" reach the command. */
    private String[] create(String id, String... options) {
        List<String> args = new ArrayList<>(List.of("--tenants-dir=" + tenants(), "--pg-admin-user=" + adminUser));
        if (System.getenv("RAGSTREAM_TEST_PG_PASSWORD") != null) {
            args.add("--pg-admin-password=" + System.getenv("RAGSTREAM_TEST_PG_PASSWORD"));
        }
        args.addAll(List.of("create", "--db-host=" + host));
        if (Stream.of(options).noneMatch(o -> o.startsWith("--db-port="))) {
            args.add("--db-port=" + port);
        }
        args.addAll(List.of(options));
        args.addAll(List.of("--", id));
        return args.toArray(String[]::new);
    }

    private Path tenants() {
        return temp.resolve("tenants");
    }

    private Path envOf(String id) {
        return tenants().resolve(id).resolve(".env");
    }

    private static String databaseOwner(String database) throws SQLException {
        List<String> owner = query("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?", database);
        assertThat(owner).as("database %s", database).hasSize(1);
        return owner.get(0);
    }
}
