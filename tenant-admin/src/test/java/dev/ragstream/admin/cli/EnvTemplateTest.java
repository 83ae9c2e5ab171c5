package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.tenant.EnvFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvTemplateTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"ACME Corporation", "Team #2", "Team #2 'West'", "'Quoted' Ltd", "\"Quoted\" Ltd",
            " padded ", "a=b", "O'Brien \"Best\" Ltd", "\\n literal", "pa ss #word\""})
    void valuesReadBackUnchanged(String value) throws IOException {
        Path env = Files.writeString(temp.resolve(".env"), "TENANT_NAME=" + EnvTemplate.quoted("TENANT_NAME", value) + "\n");

        assertThat(EnvFile.read(env)).containsEntry("TENANT_NAME", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret\nINJECTED=1", "secret\r", "'canary\" #x"})
    void refusesValuesItCannotWriteWithoutEchoingThem(String value) {
        assertThatThrownBy(() -> EnvTemplate.quoted("DB_PASSWORD", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DB_PASSWORD ")
                .hasMessageNotContaining("secret").hasMessageNotContaining("canary");
    }
}
