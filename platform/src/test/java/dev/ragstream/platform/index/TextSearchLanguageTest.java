package dev.ragstream.platform.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextSearchLanguageTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null, english", "'', english", "' German ', german", "de, german", "de-AT, german", "pt_BR, portuguese",
            "FR, french", "nb, norwegian", "simple, simple", "klingon, simple", "'english; DROP TABLE chunks', simple"})
    void followsTheTenantsDocumentLanguage(String documentLanguage, String configuration) {
        Map<String, String> env = documentLanguage == null ? Map.of() : Map.of("DOCUMENT_LANGUAGE", documentLanguage);

        assertThat(TextSearchLanguage.of(new Tenant(TenantId.of("lang-test"), env))).isEqualTo(configuration);
    }
}
