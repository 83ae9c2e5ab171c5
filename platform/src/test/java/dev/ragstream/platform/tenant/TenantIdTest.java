package dev.ragstream.platform.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"acme-corp", "demo", "a1", "client-123", "x0"})
    void acceptsLowercaseLettersDigitsAndInnerHyphens(String id) {
        assertThat(TenantId.of(id).value()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "A B", "Acme", "a", "-acme", "acme-", "acme_corp", "acme.corp", "acme\u0000",
            "äcme", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void rejectsAnythingElseBeforeItTouchesAPath(String id) {
        assertThat(TenantId.isValid(id)).isFalse();
        assertThatThrownBy(() -> TenantId.of(id)).isInstanceOf(TenantId.InvalidTenantIdException.class)
                .hasMessageContaining("Invalid tenant id");
    }

    @ParameterizedTest
    @ValueSource(ints = {63})
    void acceptsSixtyThreeCharacters(int length) {
        assertThat(TenantId.isValid("a".repeat(length))).isTrue();
        assertThat(TenantId.isValid("a".repeat(length + 1))).isFalse();
    }
}
