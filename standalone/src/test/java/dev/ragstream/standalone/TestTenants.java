package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.TenantCli;
import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.testsupport.postgres.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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
    }

    private final Path dir;
    private final List<Created> created = new ArrayList<>();
    private final String chatDb = TestDatabase.uniqueName("rstest_chatdb");
    private final String chatOwner = TestDatabase.uniqueName("rstest_chatowner");
    private final String chatApp = TestDatabase.uniqueName("rstest_chatapp");
    private boolean chatDbCreated;

    /** Tenants under {@code dir}, sharing a chatdb of their own (created with the first tenant). */
    TestTenants(Path dir) {
        this.dir = dir;
    }

    String chatDb() {
        return chatDb;
    }

    Path dir() {
        return dir;
    }

    /** Creates a tenant whose id starts with {@code prefix}, provisioned like an operator would. */
    Created create(String prefix) throws IOException {
        String id = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36).substring(0, 6);
        if (!chatDbCreated) {
            assertThat(TenantCli.run("init-chatdb", "--db-name=" + chatDb, "--db-user=" + chatOwner, "--app-user=" + chatApp,
                    "--app-password=chat-app-pw")).as("init-chatdb").isZero();
            chatDbCreated = true;
        }
        int exit = TenantCli.run("--tenants-dir=" + dir, "create", id, "--name=Test " + id, "--admin-db-name=" + chatDb,
                "--admin-db-user=" + chatApp, "--admin-db-password=chat-app-pw");
        assertThat(exit).as("tenant create %s", id).isZero();
        Created tenant = new Created(id, EnvFile.read(dir.resolve(id).resolve(".env")));
        created.add(tenant);
        return tenant;
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
