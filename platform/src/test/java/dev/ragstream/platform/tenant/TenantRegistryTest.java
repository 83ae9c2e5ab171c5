package dev.ragstream.platform.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantRegistryTest {

    @TempDir
    Path dir;

    @Test
    void findsTenantsAndIgnoresFoldersThatAreNotTenantIds() throws IOException {
        write("acme", "TENANT_ID=acme\nTENANT_NAME=ACME\nCHAT_API_KEY=k1\n");
        write("Bad_Name", "TENANT_ID=Bad_Name\n");
        try (TenantRegistry registry = new TenantRegistry(dir, Duration.ZERO)) {
            assertThat(registry.find("acme")).get().extracting(Tenant::name).isEqualTo("ACME");
            assertThat(registry.find("Bad_Name")).isEmpty();
            assertThat(registry.find("../acme")).isEmpty();
            assertThat(registry.all()).hasSize(1);
        }
    }

    @Test
    void seesAddedChangedAndDeletedTenantsOnReload() throws IOException {
        try (TenantRegistry registry = new TenantRegistry(dir, Duration.ZERO)) {
            List<TenantId> changes = new ArrayList<>();
            registry.onChange(changes::add);
            assertThat(registry.find("acme")).isEmpty();

            write("acme", "CHAT_API_KEY=old\n");
            registry.reload();
            assertThat(registry.find("acme").flatMap(Tenant::chatApiKey)).contains("old");

            write("acme", "CHAT_API_KEY=new\n");
            Files.setLastModifiedTime(dir.resolve("acme/.env"), FileTime.from(Instant.now().plusSeconds(5)));
            registry.reload();
            assertThat(registry.find("acme").flatMap(Tenant::chatApiKey)).contains("new");

            Files.delete(dir.resolve("acme/.env"));
            registry.reload();
            assertThat(registry.find("acme")).isEmpty();
            assertThat(changes).containsExactly(TenantId.of("acme"), TenantId.of("acme"), TenantId.of("acme"));
        }
    }

    @Test
    void malformedEnvMakesOnlyThatTenantUnavailable() throws IOException {
        write("good", "TENANT_ID=good\n");
        write("broken", "TENANT_ID=broken\nnot a line\n");
        write("liar", "TENANT_ID=someone-else\n");
        write("injector", "TENANT_ID=injector\nDB_HOST=db/x?socketFactory=evil\n");
        write("injector-two", "TENANT_ID=injector-two\nDB_NAME=ragdb?sslfactory=evil\n");
        try (TenantRegistry registry = new TenantRegistry(dir, Duration.ZERO)) {
            assertThat(registry.find("good")).isPresent();
            assertThat(registry.find("broken")).isEmpty();
            assertThat(registry.find("liar")).isEmpty();
            assertThat(registry.find("injector")).isEmpty();
            assertThat(registry.find("injector-two")).isEmpty();
        }
    }

    @Test
    void defaultsFollowTheSeed() throws IOException {
        write("acme-corp", "TENANT_ID=acme-corp\nENDPOINT_UPLOAD_ENABLED=false\n");
        try (TenantRegistry registry = new TenantRegistry(dir, Duration.ZERO)) {
            Tenant tenant = registry.find("acme-corp").orElseThrow();
            assertThat(tenant.database().name()).isEqualTo("ragdb_acme_corp");
            assertThat(tenant.maxUploadBytes()).isEqualTo(100L * 1024 * 1024);
            assertThat(tenant.endpointEnabled("upload")).isFalse();
            assertThat(tenant.endpointEnabled("chat")).isTrue();
            assertThat(tenant.uploadApiKey()).isEmpty();
        }
    }

    private void write(String tenant, String content) throws IOException {
        Files.createDirectories(dir.resolve(tenant));
        Files.writeString(dir.resolve(tenant).resolve(".env"), content);
    }
}
