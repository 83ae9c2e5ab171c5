package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real tenants for end-to-end tests, created with the tenant CLI (own database and role each) and dropped afterwards. */
final class TestTenants implements AutoCloseable {

    /** A created tenant and its .env values. */
    record Created(String id, Map<String, String> env) {
        String uploadKey() {
            return env.get("UPLOAD_API_KEY");
        }

        String chatKey() {
            return env.get("CHAT_API_KEY");
        }

        String adminKey() {
            return env.get("ADMIN_API_KEY");
        }

        String database() {
            return env.get("DB_NAME");
        }

        /** The first column of every row of {@code sql}, as text, run on the tenant's ragdb as the superuser. */
        List<String> query(String sql) throws java.sql.SQLException {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:5432/" + database(), "postgres", "");
                 java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            }
        }

        /** Runs {@code sql} on the tenant's ragdb as the superuser. */
        void execute(String sql) throws java.sql.SQLException {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:5432/" + database(), "postgres", "");
                 java.sql.Statement statement = c.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    private final Path dir;
    private final List<Created> created = new ArrayList<>();
    private final String chatDb = TestDatabase.uniqueName("rstest_chatdb");
    private final String chatOwner = TestDatabase.uniqueName("rstest_chatowner");
    private final String chatApp = TestDatabase.uniqueName("rstest_chatapp");
    private final String chatAppPassword;
    private boolean chatDbCreated;

    /** Tenants under {@code dir}, sharing a chatdb of their own (created with the first tenant). */
    TestTenants(Path dir) {
        this(dir, "chat-app-pw");
    }

    /** As {@link #TestTenants(Path)}, the services reaching chatdb with {@code chatAppPassword} (ADMIN_DB_PASSWORD). */
    TestTenants(Path dir, String chatAppPassword) {
        this.dir = dir;
        this.chatAppPassword = chatAppPassword;
    }

    String chatDb() {
        return chatDb;
    }

    Path dir() {
        return dir;
    }

    /**
     * Settings of a system serving these tenants: the gateway's blocklist in their chatdb, and a
     * failure threshold and rate limits no test's deliberate traffic from 127.0.0.1 reaches (the
     * blocklist and the limits have their own tests in the gateway module).
     */
    Standalone.Settings settings(Path dataDir) {
        return settings(dataDir, Map.of());
    }

    /** As {@link #settings(Path)}, with more Spring properties (which win over those above). */
    Standalone.Settings settings(Path dataDir, Map<String, String> extraProperties) {
        ensureChatDb();
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "ragstream.gateway.blocklist.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/" + chatDb,
                "ragstream.gateway.blocklist.user", chatApp,
                "ragstream.gateway.blocklist.password", chatAppPassword,
                "ragstream.gateway.blocklist.max-failures", "100000",
                "ragstream.gateway.rate-limits.chat", "100000",
                "ragstream.gateway.rate-limits.upload", "100000",
                "ragstream.gateway.rate-limits.tenant", "100000"));
        properties.putAll(extraProperties);
        return Standalone.Settings.forTests(dir, dataDir, Map.copyOf(properties));
    }

    private void ensureChatDb() {
        if (!chatDbCreated) {
            assertThat(TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                    "--app-password=" + chatAppPassword)).as("init-chatdb").isZero();
            chatDbCreated = true;
        }
    }

    /** Creates a tenant whose id starts with {@code prefix}, provisioned like an operator would. */
    Created create(String prefix) throws IOException {
        return create(prefix, new String[0]);
    }

    /** As {@link #create(String)}, with more {@code tenant create} options such as {@code --db-password=…}. */
    Created create(String prefix, String... options) throws IOException {
        String id = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 6);
        ensureChatDb();
        List<String> args = new ArrayList<>(List.of("--tenants-dir=" + dir, "create", id, "--name=Test " + id,
                "--admin-db-name=" + chatDb, "--admin-db-user=" + chatApp, "--admin-db-password=" + chatAppPassword));
        args.addAll(List.of(options));
        int exit = TenantCli.run(args.toArray(String[]::new));
        assertThat(exit).as("tenant create %s", id).isZero();
        Created tenant = new Created(id, EnvFile.read(dir.resolve(id).resolve(".env")));
        created.add(tenant);
        return tenant;
    }

    /**
     * Sets variables of a tenant's .env (each one's first assignment; appended when it has none), as
     * an operator editing the file would; running services pick the change up on their registry's
     * next poll.
     * @return the tenant with its .env as it is now
     */
    Created rewrite(Created tenant, Map<String, String> variables) throws IOException {
        Path env = dir.resolve(tenant.id()).resolve(".env");
        String content = Files.readString(env);
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            Matcher line = Pattern.compile("(?m)^" + Pattern.quote(variable.getKey()) + "=.*$").matcher(content);
            String assignment = variable.getKey() + "=" + variable.getValue();
            content = line.find() ? content.substring(0, line.start()) + assignment + content.substring(line.end())
                    : content + (content.endsWith("\n") ? "" : "\n") + assignment + "\n";
        }
        // replaced in one step, as editors and config tools do: a poll never reads a half-written file
        Path next = env.resolveSibling(".env.next");
        Files.writeString(next, content);
        Files.move(next, env, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Created rewritten = new Created(tenant.id(), EnvFile.read(env));
        created.set(created.indexOf(tenant), rewritten);
        return rewritten;
    }

    @Override
    public void close() {
        for (Created tenant : created) {
            TestDatabase.dropDatabase(tenant.database());
            TestDatabase.dropRole(tenant.env().get("DB_USER"));
        }
        if (chatDbCreated) {
            TestDatabase.dropDatabase(chatDb);
            TestDatabase.dropRole(chatApp);
            TestDatabase.dropRole(chatOwner);
        }
    }
}
