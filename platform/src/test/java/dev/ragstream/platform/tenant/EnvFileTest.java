package dev.ragstream.platform.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvFileTest {

    @Test
    void readsThePhpSystemsFormat() {
        var env = EnvFile.parse(List.of(
                "# ===========",
                "TENANT_ID=acme-corp",
                "TENANT_NAME=\"ACME Corporation\"",
                "export DB_PORT=5432",
                "DB_PASSWORD='p#ss=word'",
                "ALLOWED_ORIGINS=https://a.example https://b.example # two sites",
                "ANTHROPIC_API_KEY=",
                "# ENDPOINT_CHAT_ENABLED=true",
                ""));
        assertThat(env).containsEntry("TENANT_ID", "acme-corp")
                .containsEntry("TENANT_NAME", "ACME Corporation")
                .containsEntry("DB_PORT", "5432")
                .containsEntry("DB_PASSWORD", "p#ss=word")
                .containsEntry("ALLOWED_ORIGINS", "https://a.example https://b.example")
                .containsEntry("ANTHROPIC_API_KEY", "")
                .doesNotContainKey("ENDPOINT_CHAT_ENABLED");
    }

    @Test
    void malformedLineNamesTheLineButNeverItsContent() {
        assertThatThrownBy(() -> EnvFile.parse(List.of("A=1", "this is sk-secret-value")))
                .isInstanceOf(EnvFile.MalformedEnvException.class)
                .hasMessageContaining("line 2")
                .hasMessageNotContaining("sk-secret-value");
    }

    @Test
    void unterminatedQuoteIsMalformed() {
        assertThatThrownBy(() -> EnvFile.parse(List.of("A=\"open"))).isInstanceOf(EnvFile.MalformedEnvException.class);
    }
}
