package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.platform.security.ApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running system sees created, changed and deleted tenants within 5 seconds, without a
 * restart; a malformed .env takes only that tenant out.
 */
class RegistryHotReloadIT {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created steady;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        steady = tenants.create("hot-steady");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void aTenantCreatedWhileRunningIsServedAndADeletedOneIsGone() throws IOException {
        TestTenants.Created added = tenants.create("hot-added");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(added, added.chatKey()).status()).isEqualTo(200));

        deleteRecursively(tenants.dir().resolve(added.id()));
        await().atMost(WITHIN).untilAsserted(() -> {
            GatewayClient.Reply reply = chat(added, added.chatKey());
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.text("error")).isEqualTo("Tenant not found");
        });
        assertThat(chat(steady, steady.chatKey()).status()).isEqualTo(200);
    }

    @Test
    void changedKeysAndEndpointTogglesTakeEffectAndOldKeysStopWorking() throws IOException {
        TestTenants.Created tenant = tenants.create("hot-keys");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(tenant, tenant.chatKey()).status()).isEqualTo(200));

        String newKey = ApiKeys.generate();
        rewrite(tenant, "CHAT_API_KEY=" + tenant.chatKey(), "CHAT_API_KEY=" + newKey);
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(chat(tenant, tenant.chatKey()).status()).isEqualTo(401);
            assertThat(chat(tenant, newKey).status()).isEqualTo(200);
        });

        append(tenant, "ENDPOINT_CHAT_ENABLED=false\n");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(tenant, newKey).status()).isEqualTo(404));
        assertThat(gateway.admin("GET", "/admin/stats", tenant.id(), tenant.adminKey(), null).status()).isEqualTo(200);
        assertThat(chat(steady, steady.chatKey()).status()).isEqualTo(200);
    }

    @Test
    void aMalformedEnvTakesOnlyThatTenantOutUntilItIsFixed() throws IOException {
        TestTenants.Created tenant = tenants.create("hot-broken");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(tenant, tenant.chatKey()).status()).isEqualTo(200));
        Path env = tenants.dir().resolve(tenant.id()).resolve(".env");
        String good = Files.readString(env);

        Files.writeString(env, good + "\nthis line is not KEY=value\n");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(tenant, tenant.chatKey()).status()).isEqualTo(404));
        assertThat(chat(steady, steady.chatKey()).status()).isEqualTo(200);

        Files.writeString(env, good + "\n# fixed\n");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(chat(tenant, tenant.chatKey()).status()).isEqualTo(200));
    }

    @Test
    void aTenantWhoseDatabaseIsDownGets503WithRetryAfterAndOthersAreUnaffected() throws IOException {
        String id = "hot-down-" + Long.toString(System.nanoTime(), 36);
        Path dir = Files.createDirectories(tenants.dir().resolve(id));
        String env = Files.readString(tenants.dir().resolve(steady.id()).resolve(".env"))
                .replace("TENANT_ID=" + steady.id(), "TENANT_ID=" + id)
                .replace("DB_PORT=5432", "DB_PORT=1");
        Files.writeString(dir.resolve(".env"), env);
        try {
            await().atMost(WITHIN).untilAsserted(() -> {
                GatewayClient.Reply reply = gateway.status(id, steady.uploadKey(), "00000000-0000-0000-0000-000000000000");
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.retryAfter()).isEqualTo("1");
                assertThat(reply.text("error")).isEqualTo("The tenant's database is unavailable; please retry");
            });
            assertThat(chat(steady, steady.chatKey()).status()).isEqualTo(200);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static GatewayClient.Reply chat(TestTenants.Created tenant, String key) {
        return gateway.chat(tenant.id(), key, "hot", "hello");
    }

    private static void rewrite(TestTenants.Created tenant, String from, String to) throws IOException {
        Path env = tenants.dir().resolve(tenant.id()).resolve(".env");
        String content = Files.readString(env);
        assertThat(content).contains(from);
        Files.writeString(env, content.replace(from, to));
    }

    private static void append(TestTenants.Created tenant, String line) throws IOException {
        Path env = tenants.dir().resolve(tenant.id()).resolve(".env");
        Files.writeString(env, Files.readString(env) + line);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
