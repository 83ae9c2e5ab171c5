package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class CredentialsTest {

    private final Tenant acme = new Tenant(TenantId.of("acme"), Map.of("CHAT_API_KEY", "chat-secret",
            "UPLOAD_API_KEY", "upload-secret", "ADMIN_API_KEY", "admin-secret", "ADMIN_USERNAME", "admin",
            "ADMIN_PASSWORD", "admin-pw", "API_DEBUG_USERNAME", "debug", "API_DEBUG_PASSWORD", "debug-pw"));
    private final Tenant bare = new Tenant(TenantId.of("bare"), Map.of());

    @Test
    void anyApiKeyOfTheTenantCounts() {
        for (String key : new String[] {"chat-secret", "upload-secret", "admin-secret"}) {
            assertThat(Credentials.presentedFor(acme, withKey(key))).as(key).isTrue();
        }
        assertThat(Credentials.presentedFor(acme, withKey("chat-secret "))).isFalse();
        assertThat(Credentials.presentedFor(acme, new MockHttpServletRequest())).isFalse();
    }

    @Test
    void aBearerTokenIsAKeyAsOpenAiClientsSendIt() {
        MockHttpServletRequest bearer = new MockHttpServletRequest();
        bearer.addHeader("Authorization", "Bearer chat-secret");
        MockHttpServletRequest wrong = new MockHttpServletRequest();
        wrong.addHeader("Authorization", "Bearer upload-secret-not");
        assertThat(Credentials.presentedFor(acme, bearer)).isTrue();
        assertThat(Credentials.presentedFor(acme, wrong)).isFalse();
    }

    @Test
    void basicCredentialsCountOnlyAsAMatchingPair() {
        assertThat(Credentials.presentedFor(acme, withBasic("admin:admin-pw"))).isTrue();
        assertThat(Credentials.presentedFor(acme, withBasic("debug:debug-pw"))).isTrue();
        assertThat(Credentials.presentedFor(acme, withBasic("admin:debug-pw"))).isFalse();
        assertThat(Credentials.presentedFor(acme, withBasic("admin"))).isFalse();
        MockHttpServletRequest garbage = new MockHttpServletRequest();
        garbage.addHeader("Authorization", "Basic %%%");
        assertThat(Credentials.presentedFor(acme, garbage)).isFalse();
    }

    @Test
    void unsetSecretsMatchNothingNotEvenEmptyOnes() {
        assertThat(Credentials.presentedFor(bare, withKey(""))).isFalse();
        assertThat(Credentials.presentedFor(bare, withBasic(":"))).isFalse();
    }

    private static MockHttpServletRequest withKey(String key) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-API-Key", key);
        return request;
    }

    private static MockHttpServletRequest withBasic(String userAndPassword) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8)));
        return request;
    }
}
