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
        Files.writeString(dir.resolve("acme/.env"), "CHAT_API_KEY=chat-secret\nENDPOINT_UPLOAD_ENABLED=false\nADMIN_USERNAME=boss\nADMIN_PASSWORD=pa:ss\n");
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
    void basicCredentialsMustMatchBothVariablesAndRefusalsAreCountedWithAChallenge() {
        Tenant acme = resolver.resolve(new MockHttpServletRequest(), "acme");
        MockHttpServletRequest good = basic("boss:pa:ss");
        resolver.requireBasic(good, acme, "ADMIN_USERNAME", "ADMIN_PASSWORD", "ragstream admin", "Invalid credentials");
        assertThat(failures).isEmpty();

        for (String presented : new String[] {"boss:wrong", "other:pa:ss", "boss", ""}) {
            assertThatThrownBy(() -> resolver.requireBasic(basic(presented), acme, "ADMIN_USERNAME", "ADMIN_PASSWORD",
                    "ragstream admin", "Invalid credentials"))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(401);
                        assertThat(e.challenge()).isEqualTo("Basic realm=\"ragstream admin\", charset=\"UTF-8\"");
                    });
        }
        MockHttpServletRequest none = new MockHttpServletRequest();
        assertThatThrownBy(() -> resolver.requireBasic(none, acme, "ADMIN_USERNAME", "ADMIN_PASSWORD", "r", "Invalid"))
                .isInstanceOf(ApiException.class);
        // an unset pair refuses even credentials that match the (empty) values
        assertThatThrownBy(() -> resolver.requireBasic(basic(":"), acme, "API_DEBUG_USERNAME", "API_DEBUG_PASSWORD", "r",
                "Invalid")).isInstanceOf(ApiException.class);
        assertThat(failures).hasSize(6).containsOnly("acme");
    }

    private static MockHttpServletRequest basic(String userColonPassword) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString(userColonPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return request;
    }
}
