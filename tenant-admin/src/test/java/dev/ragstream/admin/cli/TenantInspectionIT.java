package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.databaseOf;
import static dev.ragstream.admin.cli.Cli.env;
import static dev.ragstream.admin.cli.Cli.envOf;
import static dev.ragstream.admin.cli.Cli.query;
import static dev.ragstream.admin.cli.Cli.roleOf;
import static dev.ragstream.admin.cli.Cli.run;
import static dev.ragstream.admin.cli.Cli.setVariable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.Result;
import dev.ragstream.platform.tenant.EnvFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code show}, {@code test-db} and {@code migrate} on tenants of the local PostgreSQL server. */
class TenantInspectionIT {

    @TempDir
    Path tenants;

    @AfterAll
    static void dropDatabases() {
        Cli.dropTenantDatabases();
    }

    @Test
    void showPrintsEveryVariableInFileOrderWithEverySecretMasked() throws Exception {
        String id = createTenant(tenants, "--no-provision", "--name=Acme Corporation");
        Files.writeString(envOf(tenants, id), "STRIPE_SECRET=sk_live_canary_1234567890\nGITHUB_TOKEN=ghp_canary_abcdef\n"
                + "OPENAI_API_KEY_BACKUP=short\nTEAM_NOTE=visible #1\n", StandardOpenOption.APPEND);
        Map<String, String> env = env(tenants, id);

        Result result = run(tenants, "show", id);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        Path dir = tenants.resolve(id).toAbsolutePath();
        List<String> expected = new ArrayList<>(List.of("Tenant: " + id, "Name: Acme Corporation", "Directory: " + dir,
                "Config File: " + dir.resolve(".env"), "Configuration:"));
        env.forEach((key, value) -> expected.add("  " + key + ": " + (Secrets.isSecret(key) ? Secrets.mask(value) : value)));
        assertThat(result.out().lines()).containsExactlyElementsOf(expected);
        assertThat(result.out()).contains("  ADMIN_API_KEY: " + env.get("ADMIN_API_KEY").substring(0, 7) + "…",
                "  DB_USER: " + roleOf(id), "  TEAM_NOTE: visible", "  OPENAI_API_KEY: \n");
        List<String> secrets = env.entrySet().stream().filter(e -> Secrets.isSecret(e.getKey()))
                .map(Map.Entry::getValue).filter(v -> !v.isEmpty()).toList();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(9);
        assertThat(secrets).allSatisfy(secret -> assertThat(result.out()).doesNotContain(secret)
                .doesNotContain(secret.substring(0, Math.min(8, secret.length()))));
    }

    @Test
    void testDbReportsVersionsAndCountsThroughTheTenantsOwnRole() throws Exception {
        String id = createTenant(tenants);
        String db = databaseOf(id);
        Cli.execute(db, """
                INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status)
                VALUES (gen_random_uuid(), 'a.md', 'text/markdown', 1, repeat('a', 64), 'indexed'),
                       (gen_random_uuid(), 'b.md', 'text/markdown', 1, repeat('b', 64), 'queued'),
                       (gen_random_uuid(), 'c.md', 'text/markdown', 1, repeat('c', 64), 'deleted');
                INSERT INTO chunks (document_id, version, chunk_index, content, token_count)
                SELECT d.id, 1, i, 'chunk', 1 FROM documents d CROSS JOIN generate_series(0, 2) i WHERE d.filename = 'a.md';
                INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding)
                SELECT 1, document_id, version, chunk_index, array_fill(0.1, ARRAY[384])::vector FROM chunks;
                """);

        Result result = run(tenants, "test-db", id);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        String server = query(db, "SHOW server_version").get(0);
        String vector = query(db, "SELECT extversion FROM pg_extension WHERE extname = 'vector'").get(0);
        assertThat(result.out().lines()).containsExactly("Tenant: " + id,
                "Database: " + db + " on " + Cli.HOST + ":" + Cli.PORT + " as " + roleOf(id),
                "Server version: " + server, "pgvector version: " + vector, "Schema version: 11",
                "Documents: 2", "Chunks: 3", "Connection OK");
    }

    @Test
    void testDbWithAnotherTenantsRoleIsRefusedByTheServer() throws Exception {
        String id = createTenant(tenants);
        String other = createTenant(tenants);
        Map<String, String> theirs = env(tenants, other);
        setVariable(tenants, id, "DB_USER", theirs.get("DB_USER"));
        setVariable(tenants, id, "DB_PASSWORD", theirs.get("DB_PASSWORD"));

        Result result = run(tenants, "test-db", id);

        assertOneLineFailure(result, 1).startsWith("Error: cannot connect to " + databaseOf(id) + " as " + roleOf(other) + ": ")
                .contains("permission denied").doesNotContain(theirs.get("DB_PASSWORD"));
        assertThat(result.out()).isEmpty();
    }

    @Test
    void testDbOfAnUnreachableServerOrUnknownRoleFailsWithOneLine() throws Exception {
        String id = createTenant(tenants, "--no-provision");
        String password = env(tenants, id).get("DB_PASSWORD");
        setVariable(tenants, id, "DB_PORT", "1");

        assertOneLineFailure(run(tenants, "test-db", id), 1)
                .startsWith("Error: cannot connect to " + databaseOf(id) + " as " + roleOf(id) + ": ")
                .contains(Cli.HOST + ":1").doesNotContain(password);

        setVariable(tenants, id, "DB_PORT", String.valueOf(Cli.PORT));
        assertOneLineFailure(run(tenants, "test-db", id), 1)
                .startsWith("Error: cannot connect to " + databaseOf(id) + " as " + roleOf(id) + ": ")
                .contains("role \"" + roleOf(id) + "\" does not exist");
    }

    @Test
    void migrateAppliesPendingMigrationsAsTheTenantsRoleAndTestDbThenPasses() throws Exception {
        String id = createTenant(tenants, "--no-provision");
        String db = databaseOf(id);
        String role = roleOf(id);
        Cli.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD '" + env(tenants, id).get("DB_PASSWORD") + "'");
        Cli.execute("postgres", "CREATE DATABASE " + db + " OWNER " + role);
        Cli.execute(db, "CREATE EXTENSION vector");

        Result before = run(tenants, "test-db", id);
        Result migrated = run(tenants, "migrate", id);
        Result again = run(tenants, "migrate", id);
        Result after = run(tenants, "test-db", id);

        assertThat(before.exit()).isEqualTo(1);
        assertThat(before.out()).contains("Schema version: none (not migrated)").doesNotContain("Documents:");
        assertThat(before.err().strip()).isEqualTo("Error: database " + db
                + " is not ready: the schema is not migrated (run 'tenant migrate " + id + "')");
        assertThat(migrated.exit()).as(migrated.toString()).isZero();
        assertThat(migrated.out()).isEqualTo(id + ": schema version 11" + System.lineSeparator());
        assertThat(again.out()).isEqualTo(migrated.out());
        assertThat(query(db, "SELECT tableowner FROM pg_tables WHERE tablename = 'chunks'")).containsExactly(role);
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.out()).contains("Schema version: 11", "Documents: 0", "Chunks: 0", "Connection OK");
    }

    @Test
    void migrateAllContinuesPastAFailingTenantAndNamesIt() throws Exception {
        String first = createTenant(tenants);
        String broken = createTenant(tenants, "--no-provision", "--db-port=1");
        String unreadable = createTenant(tenants, "--no-provision");
        Files.writeString(envOf(tenants, unreadable), "this is not KEY=value\n", StandardOpenOption.APPEND);
        String last = createTenant(tenants);
        List<String> sorted = List.of(first, broken, unreadable, last).stream().sorted().toList();

        Result result = run(tenants, "migrate", "--all");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.out().lines()).containsExactlyInAnyOrder(first + ": schema version 11", last + ": schema version 11");
        List<String> errors = result.err().lines().toList();
        assertThat(errors).hasSize(3);
        assertThat(errors).anySatisfy(line -> assertThat(line).startsWith(broken + ": failed: cannot migrate "
                + databaseOf(broken) + " as " + roleOf(broken) + ": ").contains(":1/"));
        assertThat(errors).anySatisfy(line -> assertThat(line).startsWith(unreadable + ": failed: cannot read ")
                .endsWith("is not KEY=value"));
        String failedInOrder = String.join(", ", sorted.stream().filter(t -> t.equals(broken) || t.equals(unreadable)).toList());
        assertThat(errors.get(2)).isEqualTo("Error: migration failed for 2 of 4 tenants: " + failedInOrder);
        assertThat(EnvFile.read(envOf(tenants, first))).containsKey("DB_NAME");
    }

    @Test
    void migrateNeedsExactlyOneOfAnIdAndAll() {
        assertOneLineFailure(run(tenants, "migrate"), 2).startsWith("Error: Missing required argument").contains("<id> | --all", "--help");
        assertOneLineFailure(run(tenants, "migrate", "--all", "it-x"), 2).contains("it-x", "--help");
        assertOneLineFailure(run(tenants, "migrate", "it-x", "--all"), 2).contains("--help");
    }
}
