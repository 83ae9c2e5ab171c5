package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.databasesAndRolesContaining;
import static dev.ragstream.admin.cli.Cli.randomLetters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.FakeTerminal;
import dev.ragstream.admin.cli.Cli.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command that names a tenant refuses an invalid or unknown id with one line, before writing anything. */
class TenantScopedCommandsIT {

    /** Part of every id below, to prove no database or role was named after one. */
    private static final String MARKER = randomLetters(10);

    @TempDir
    Path temp;

    @AfterAll
    static void dropDatabases() {
        Cli.dropTenantDatabases();
    }

    static List<Function<String, List<String>>> commands() {
        return List.of(id -> List.of("show", "--", id), id -> List.of("regenerate-keys", "--", id),
                id -> List.of("delete", "--yes", "--", id), id -> List.of("test-db", "--", id),
                id -> List.of("migrate", "--", id),
                id -> List.of("import", "--tenant=" + id, "--gateway=http://127.0.0.1:9", "--", "file.txt"),
                id -> List.of("cleanup-history", "--tenant=" + id, "--older-than=30d"));
    }

    static Stream<Arguments> invalidIds() {
        List<String> ids = List.of("../" + MARKER, "A B" + MARKER, "Upper" + MARKER, "it-" + MARKER + "x".repeat(60),
                "-" + MARKER, "it/" + MARKER, "it." + MARKER, "..", "");
        return commands().stream().flatMap(command -> ids.stream()
                .map(id -> Arguments.of(command.apply(id).get(0), command.apply(id))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidIds")
    void refusesAnInvalidTenantId(String name, List<String> args) throws Exception {
        Path tenants = tenantsWithOneTenant();
        Map<Path, byte[]> before = snapshot(temp);

        Result result = Cli.run(new FakeTerminal(true, true, "y"), tenants, args.toArray(String[]::new));

        assertOneLineFailure(result, 1).startsWith("Error: Invalid tenant id");
        assertThat(result.out()).isEmpty();
        assertUnchanged(before);
    }

    static Stream<Arguments> unknownTenant() {
        String id = "it-unknown-" + MARKER;
        return commands().stream().map(command -> Arguments.of(command.apply(id).get(0), command.apply(id)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unknownTenant")
    void refusesAnUnknownTenant(String name, List<String> args) throws Exception {
        Path tenants = tenantsWithOneTenant();
        Map<Path, byte[]> before = snapshot(temp);

        Result result = Cli.run(new FakeTerminal(true, true, "y"), tenants, args.toArray(String[]::new));

        assertOneLineFailure(result, 1).isEqualTo("Error: unknown tenant it-unknown-" + MARKER + ": there is no "
                + tenants.toAbsolutePath().resolve("it-unknown-" + MARKER).resolve(".env"));
        assertThat(result.out()).isEmpty();
        assertUnchanged(before);
    }

    private Path tenantsWithOneTenant() throws IOException {
        Path tenants = temp.resolve("tenants");
        createTenant(tenants, "--no-provision");
        Files.writeString(temp.resolve("file.txt"), "content");
        return tenants;
    }

    private void assertUnchanged(Map<Path, byte[]> before) throws Exception {
        Map<Path, byte[]> after = snapshot(temp);
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        before.forEach((path, bytes) -> assertThat(after.get(path)).as(path.toString()).isEqualTo(bytes));
        assertThat(databasesAndRolesContaining(MARKER)).isEmpty();
    }

    /** Every file and folder under {@code dir}, with the content of the files. */
    private static Map<Path, byte[]> snapshot(Path dir) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : new ArrayList<>(paths.toList())) {
                files.put(path, Files.isRegularFile(path) ? Files.readAllBytes(path) : new byte[0]);
            }
        }
        return files;
    }
}
