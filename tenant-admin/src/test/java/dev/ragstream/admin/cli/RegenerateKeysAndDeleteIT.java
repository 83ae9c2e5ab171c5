package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.databaseOf;
import static dev.ragstream.admin.cli.Cli.databasesAndRolesContaining;
import static dev.ragstream.admin.cli.Cli.entries;
import static dev.ragstream.admin.cli.Cli.env;
import static dev.ragstream.admin.cli.Cli.envOf;
import static dev.ragstream.admin.cli.Cli.roleOf;
import static dev.ragstream.admin.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.FakeTerminal;
import dev.ragstream.admin.cli.Cli.Result;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.tenant.TenantRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code regenerate-keys} and {@code delete}: what they change in the tenants folder, and what they leave alone. */
class RegenerateKeysAndDeleteIT {

    private static final List<String> API_KEYS = List.of("ADMIN_API_KEY", "CHAT_API_KEY", "UPLOAD_API_KEY");

    @TempDir
    Path tenants;

    @AfterAll
    static void dropDatabases() {
        Cli.dropTenantDatabases();
    }

    @Test
    void regenerateKeysReplacesOnlyTheKeyValuesAndTheRegistrySeesTheNewOnes() throws Exception {
        String id = createTenant(tenants, "--no-provision");
        Path envFile = envOf(tenants, id);
        Files.writeString(envFile, Files.readString(envFile)
                .replaceFirst("(?m)^CHAT_API_KEY=(.*)$", "export CHAT_API_KEY = $1 # rotated by ops\r")
                + "# operator note: keep me\nCUSTOM_SETTING='x #1'\n");
        String before = Files.readString(envFile);
        Map<String, String> old = env(tenants, id);
        List<TenantId> changed = new ArrayList<>();
        try (TenantRegistry registry = new TenantRegistry(tenants, Duration.ZERO)) {
            registry.onChange(changed::add);

            Result result = run(tenants, "regenerate-keys", id);

            assertThat(result.exit()).as(result.toString()).isZero();
            assertThat(result.err()).isEmpty();
            Map<String, String> now = env(tenants, id);
            String expected = before;
            for (String key : API_KEYS) {
                assertThat(now.get(key)).startsWith("rsk_").hasSizeGreaterThan(40).isNotEqualTo(old.get(key));
                expected = expected.replace(old.get(key), now.get(key));
            }
            assertThat(Files.readString(envFile)).isEqualTo(expected);
            assertThat(List.of(now.get("ADMIN_API_KEY"), now.get("CHAT_API_KEY"), now.get("UPLOAD_API_KEY"))).doesNotHaveDuplicates();
            assertThat(result.out().lines()).containsExactly("Regenerated API keys of tenant " + id + ":",
                    "  ADMIN_API_KEY: " + now.get("ADMIN_API_KEY"), "  CHAT_API_KEY: " + now.get("CHAT_API_KEY"),
                    "  UPLOAD_API_KEY: " + now.get("UPLOAD_API_KEY"), "(shown in full this one time; running services"
                            + " accept only these once they re-read " + envFile.toAbsolutePath() + ", within seconds)");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-r-----");
            assertThat(entries(tenants.resolve(id))).containsExactly(".env");

            registry.reload();
            assertThat(changed).containsExactly(TenantId.of(id));
            assertThat(registry.find(id).orElseThrow().uploadApiKey()).contains(now.get("UPLOAD_API_KEY"));
        }
    }

    @Test
    void regenerateKeysRefusesAMalformedEnvAndChangesNothing() throws Exception {
        String id = createTenant(tenants, "--no-provision");
        Path envFile = envOf(tenants, id);
        Files.writeString(envFile, Files.readString(envFile) + "broken line\n");
        byte[] before = Files.readAllBytes(envFile);

        Result result = run(tenants, "regenerate-keys", id);

        assertOneLineFailure(result, 1).startsWith("Error: cannot read " + envFile.toAbsolutePath()).endsWith("is not KEY=value");
        assertThat(Files.readAllBytes(envFile)).isEqualTo(before);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void deleteWithYesRemovesTheFolderKeepsTheDatabaseAndSaysHowToDropIt() throws Exception {
        String id = createTenant(tenants);
        String other = createTenant(tenants, "--no-provision");

        Result result = run(tenants, "delete", "--yes", id);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        Path dir = tenants.resolve(id).toAbsolutePath();
        assertThat(result.out().lines()).containsExactly("Deleted tenant " + id + ": removed " + dir + "/",
                "The database " + databaseOf(id) + " on " + Cli.HOST + ":" + Cli.PORT + " was left in place. To drop it:",
                "  psql -h " + Cli.HOST + " -p " + Cli.PORT + " -U " + Cli.ADMIN_USER + " -d postgres -c 'DROP DATABASE \""
                        + databaseOf(id) + "\" WITH (FORCE)' -c 'DROP ROLE \"" + roleOf(id) + "\"'");
        assertThat(entries(tenants)).containsExactly(other);
        assertThat(databasesAndRolesContaining(databaseOf(id))).containsExactly(databaseOf(id));
    }

    @Test
    void deleteAsksOnATerminalAndDeletesOnYes() throws Exception {
        String id = createTenant(tenants, "--no-provision");

        Result result = Cli.run(new FakeTerminal(true, true, " Y "), tenants, "delete", id);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEqualTo("Delete tenant " + id + "? This removes " + tenants.resolve(id).toAbsolutePath()
                + "/ (the database " + databaseOf(id) + " is kept). [y/N] ");
        assertThat(result.out()).startsWith("Deleted tenant " + id);
        assertThat(entries(tenants)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"n", "", "yes please", "\u0000"})
    void deleteKeepsEverythingUnlessTheAnswerIsYes(String answer) throws Exception {
        String id = createTenant(tenants, "--no-provision");
        byte[] before = Files.readAllBytes(envOf(tenants, id));

        Result result = Cli.run(new FakeTerminal(true, false, "\u0000".equals(answer) ? null : answer), tenants, "delete", id);

        assertThat(result.exit()).isEqualTo(1);
        String afterQuestion = "\u0000".equals(answer) ? System.lineSeparator() : "";
        assertThat(result.err()).endsWith("[y/N] " + afterQuestion + "Error: not confirmed; tenant " + id + " was not deleted"
                + System.lineSeparator());
        assertThat(entries(tenants)).containsExactly(id);
        assertThat(Files.readAllBytes(envOf(tenants, id))).isEqualTo(before);
    }

    @Test
    void deleteWithoutATerminalOrYesRefusesWithOneLine() throws Exception {
        String id = createTenant(tenants, "--no-provision");

        Result result = run(tenants, "delete", id);

        assertOneLineFailure(result, 1).isEqualTo("Error: stdin is not a terminal, so nobody can confirm: pass --yes to"
                + " delete tenant " + id + " (nothing was deleted)");
        assertThat(entries(tenants)).containsExactly(id);
    }

    @Test
    void deleteKeepsASharedRoleAndStillDeletesATenantWhoseEnvIsUnreadable() throws Exception {
        String first = createTenant(tenants, "--no-provision", "--db-user=raguser");
        String second = createTenant(tenants, "--no-provision", "--db-user=raguser");
        Files.writeString(envOf(tenants, second), "not KEY=value\n");

        Result shared = run(tenants, "delete", "--yes", first);
        Result unreadable = run(tenants, "delete", "--yes", second);

        assertThat(shared.exit()).as(shared.toString()).isZero();
        assertThat(shared.out()).contains("DROP DATABASE \"" + databaseOf(first) + "\" WITH (FORCE)'" + System.lineSeparator())
                .doesNotContain("DROP ROLE");
        assertThat(unreadable.exit()).as(unreadable.toString()).isZero();
        assertThat(unreadable.out()).contains("Its database was left in place");
        assertThat(entries(tenants)).isEmpty();
    }
}
