package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.security.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ADMIN_API_KEY", "OPENAI_API_KEY", "DB_PASSWORD", "ADMIN_DB_PASSWORD", "STRIPE_SECRET",
            "github_token", "ApiKeyRing"})
    void treatsEveryKeyPasswordSecretOrTokenVariableAsSecret(String variable) {
        assertThat(Secrets.isSecret(variable)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TENANT_ID", "DB_USER", "DB_HOST", "OPENAI_MODEL", "ALLOWED_ORIGINS", "ADMIN_USERNAME"})
    void showsOtherVariables(String variable) {
        assertThat(Secrets.isSecret(variable)).isFalse();
        assertThat(Secrets.display(variable, "value 1")).isEqualTo("value 1");
    }

    @Test
    void masksAKeyToItsFirstSevenCharacters() {
        String key = ApiKeys.generate();

        assertThat(Secrets.mask(key)).isEqualTo(key.substring(0, 7) + "…").startsWith("rsk_");
        assertThat(Secrets.display("CHAT_API_KEY", key)).isEqualTo(key.substring(0, 7) + "…");
    }

    @Test
    void neverShowsMoreThanHalfOfAShortSecret() {
        assertThat(Secrets.mask("hunter2!")).isEqualTo("hunt…");
        assertThat(Secrets.mask("x")).isEqualTo("…");
        assertThat(Secrets.mask("")).isEmpty();
        assertThat(Secrets.mask(null)).isEmpty();
        assertThat(Secrets.display("DB_PASSWORD", "")).isEmpty();
    }

    @Test
    void replacesControlCharactersSoAValueCannotForgeLines() {
        assertThat(Secrets.display("TENANT_NAME", "Acme\nDB_PASSWORD: x")).isEqualTo("Acme?DB_PASSWORD: x");
    }
}
