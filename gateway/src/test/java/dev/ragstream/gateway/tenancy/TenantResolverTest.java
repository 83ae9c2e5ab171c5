package dev.ragstream.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.gateway.abuse.AccessFailures;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;

class TenantResolverTest {

    @TempDir
    Path dir;

    private final List<String> failures = new ArrayList<>();
    private TenantRegistry registry;
    private TenantResolver resolver;

    @BeforeEach
    void tenants() throws IOException {
        Files.createDirectories(dir.resolve("acme"));
        Files.writeString(dir.resolve("acme/.env"), "CHAT_API_KEY=chat-secret\nENDPOINT_UPLOAD_ENABLED=false\n");
        registry = new TenantRegistry(dir, Duration.ZERO);
        AccessFailures recorder = (request, tenantId) -> failures.add(String.valueOf(tenantId));
        resolver = new TenantResolver(registry, recorder);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void aMissingOrUnknownTenantIsReportedAsAFailureWithoutATenant() {
        assertThatThrownBy(() -> resolver.resolve(new MockHttpServletRequest(), null))
                .isInstanceOf(ApiException.class).hasMessage("Missing tenant_id");
        assertThatThrownBy(() -> resolver.resolve(new MockHttpServletRequest(), "nope"))
                .isInstanceOf(ApiException.class).hasMessage("Tenant not found");

        assertThat(failures).containsExactly("null", "null");
    }

    @Test
    void aRefusedKeyIsReportedForTheResolvedTenant() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-API-Key", "wrong");
        Tenant acme = resolver.resolve(request, "acme");

        assertThatThrownBy(() -> resolver.requireKey(request, acme.chatApiKey())).hasMessage("Invalid API key");
        assertThat(failures).containsExactly("acme");
    }

    @Test
    void successAndADisabledEndpointAreNoFailures() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-API-Key", "chat-secret");
        request.addHeader("X-Tenant-ID", "acme");
        Tenant acme = resolver.resolve(request, null);
        resolver.requireKey(request, acme.chatApiKey());
        assertThatThrownBy(() -> resolver.requireEnabled(acme, "upload")).hasMessage("Not found");

        assertThat(failures).isEmpty();
    }

    @Test
    void basicAuthenticationFailuresCanBeReported() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        resolver.authenticationFailed(request, resolver.resolve(request, "acme"));

        assertThat(failures).containsExactly("acme");
    }
}
