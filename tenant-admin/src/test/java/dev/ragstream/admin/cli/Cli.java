package dev.ragstream.admin.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractStringAssert;

/**
 * Runs {@code bin/tenant} in this JVM with stdout and stderr captured, against a tenants folder of
 * the test's and the local PostgreSQL server. Tenant ids come from {@link #newTenantId()}, unique
 * per run; {@link #dropTenantDatabases()} drops the databases and roles named after them.
 */
final class Cli {

    static final String HOST;
    static final int PORT;
    static final String ADMIN_USER = System.getenv().getOrDefault("RAGSTREAM_TEST_PG_USER", "postgres");
    private static final String ADMIN_PASSWORD = System.getenv("RAGSTREAM_TEST_PG_PASSWORD");
    private static final List<String> tenantIds = Collections.synchronizedList(new ArrayList<>());

    static {
        URI server = URI.create(TestDatabase.adminJdbcUrl().substring("jdbc:".length()));
        HOST = server.getHost();
        PORT = server.getPort();
    }

    private Cli() {
    }

    /** What a run printed, and its exit code. */
    record Result(int exit, String out, String err) {
    }

    /** A terminal whose answers are given in advance; null answers like end of input. */
    record FakeTerminal(boolean interactive, boolean redrawable, String answer) implements Terminal {
        @Override
        public String readLine() {
            return answer;
        }
    }

    static final Terminal PIPE = new FakeTerminal(false, false, null);

    /** Runs {@code tenant --tenants-dir=<tenants> --pg-admin-user=… <args>} with stdin and stderr not a terminal. */
    static Result run(Path tenants, String... args) {
        return run(PIPE, tenants, args);
    }

    static Result run(Terminal terminal, Path tenants, String... args) {
        List<String> all = new ArrayList<>(List.of("--tenants-dir=" + tenants, "--pg-admin-user=" + ADMIN_USER));
        if (ADMIN_PASSWORD != null) {
            all.add("--pg-admin-password=" + ADMIN_PASSWORD);
        }
        all.addAll(List.of(args));
        return raw(terminal, all.toArray(String[]::new));
    }

    /** Runs the CLI with exactly {@code args}; the test classes run one at a time. */
    static synchronized Result raw(Terminal terminal, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, UTF_8));
            System.setErr(new PrintStream(capturedErr, true, UTF_8));
            int exit = TenantCli.run(terminal, args);
            return new Result(exit, capturedOut.toString(UTF_8), capturedErr.toString(UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Creates a tenant with its own database on the test server (or only its folder, given --no-provision). */
    static String createTenant(Path tenants, String... options) {
        String id = newTenantId();
        List<String> args = new ArrayList<>(List.of("create", "--db-host=" + HOST));
        if (Stream.of(options).noneMatch(option -> option.startsWith("--db-port="))) {
            args.add("--db-port=" + PORT);
        }
        args.addAll(List.of(options));
        args.add(id);
        Result result = run(tenants, args.toArray(String[]::new));
        assertThat(result.exit()).as(result.toString()).isZero();
        return id;
    }

    /** The single stderr line, for further checks; fails unless the exit code and the line count match. */
    static AbstractStringAssert<?> assertOneLineFailure(Result result, int exitCode) {
        assertThat(result.exit()).as(result.toString()).isEqualTo(exitCode);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).doesNotContain("\tat ", "Exception:").endsWith(System.lineSeparator());
        return assertThat(result.err().strip());
    }

    static String newTenantId() {
        String id = "it-" + randomLetters(12);
        tenantIds.add(id);
        return id;
    }

    /** Drops the default database and role of every tenant id handed out so far. */
    static void dropTenantDatabases() {
        for (String id : List.copyOf(tenantIds)) {
            TestDatabase.dropDatabase(databaseOf(id));
            TestDatabase.dropRole(roleOf(id));
            tenantIds.remove(id);
        }
    }

    static Path envOf(Path tenants, String id) {
        return tenants.resolve(id).resolve(".env");
    }

    static Map<String, String> env(Path tenants, String id) throws IOException {
        return EnvFile.read(envOf(tenants, id));
    }

    /** Rewrites one variable of a tenant's .env (first occurrence), as an operator editing it would. */
    static void setVariable(Path tenants, String id, String key, String value) throws IOException {
        Path env = envOf(tenants, id);
        Files.writeString(env, Files.readString(env).replaceFirst("(?m)^" + key + "=.*$", key + "=" + value));
    }

    static String databaseOf(String id) {
        return "ragdb_" + id.replace('-', '_');
    }

    static String roleOf(String id) {
        return "rag_" + id.replace('-', '_');
    }

    static String randomLetters(int n) {
        StringBuilder s = new StringBuilder();
        ThreadLocalRandom.current().ints(n, 'a', 'z' + 1).forEach(c -> s.append((char) c));
        return s.toString();
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A superuser connection to {@code database} on the test server, owned by the caller. */
    static Connection connectAdmin(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_USER);
        if (ADMIN_PASSWORD != null) {
            props.setProperty("password", ADMIN_PASSWORD);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + database, props);
    }

    static List<String> databasesAndRolesContaining(String part) throws SQLException {
        return query("postgres", "SELECT datname FROM pg_database WHERE strpos(datname, ?) > 0"
                + " UNION ALL SELECT rolname FROM pg_roles WHERE strpos(rolname, ?) > 0", part, part);
    }

    /** The first column of every row, as text. */
    static List<String> query(String database, String sql, Object... args) throws SQLException {
        try (Connection c = connectAdmin(database); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    static void execute(String database, String sql) throws SQLException {
        try (Connection c = connectAdmin(database); var st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
