package dev.ragstream.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void generatedKeysArePrefixedLongAndUnique() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeys.generate();
            assertThat(key).startsWith("rsk_").hasSize(4 + 43).matches("rsk_[A-Za-z0-9_-]+");
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void matchesOnlyTheExactSecret() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.matches(key, key)).isTrue();
        assertThat(ApiKeys.matches(key + "x", key)).isFalse();
        assertThat(ApiKeys.matches(key.substring(1), key)).isFalse();
        assertThat(ApiKeys.matches(null, key)).isFalse();
    }

    @Test
    void emptyExpectedSecretMatchesNothing() {
        assertThat(ApiKeys.matches("", "")).isFalse();
        assertThat(ApiKeys.matches("anything", null)).isFalse();
    }
}
