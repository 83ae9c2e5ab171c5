package dev.ragstream.gateway.cors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    private final AllowedOrigins origins =
            AllowedOrigins.parse("https://www.acme.example, https://shop.acme.example:8443  http://localhost:3000,https://b.example/");

    @Test
    void allowsEachListedOriginWhateverTheSeparator() {
        assertThat(origins.allows("https://www.acme.example")).isTrue();
        assertThat(origins.allows("https://shop.acme.example:8443")).isTrue();
        assertThat(origins.allows("http://localhost:3000")).isTrue();
        assertThat(origins.allows("https://b.example")).as("trailing slash in the setting").isTrue();
    }

    @Test
    void matchesSchemeHostAndPortExactly() {
        assertThat(origins.allows("http://www.acme.example")).as("scheme").isFalse();
        assertThat(origins.allows("https://www.acme.example:8443")).as("port").isFalse();
        assertThat(origins.allows("https://shop.acme.example")).as("missing port").isFalse();
        assertThat(origins.allows("https://acme.example")).as("parent").isFalse();
        assertThat(origins.allows("https://evil.www.acme.example")).as("subdomain").isFalse();
        assertThat(origins.allows("https://www.acme.example.evil.com")).as("suffix").isFalse();
        assertThat(origins.allows("http://localhost:3001")).isFalse();
    }

    @Test
    void comparesAsBrowsersSerialiseOrigins() {
        assertThat(origins.allows("https://WWW.ACME.example")).isTrue();
        assertThat(origins.allows("https://www.acme.example:443")).as("default port").isTrue();
    }

    @Test
    void refusesEverythingThatIsNotExactlyAnOrigin() {
        assertThat(origins.allows(null)).isFalse();
        assertThat(origins.allows("null")).isFalse();
        assertThat(origins.allows("")).isFalse();
        assertThat(origins.allows("https://www.acme.example/path")).isFalse();
        assertThat(origins.allows("https://user@www.acme.example")).isFalse();
        assertThat(origins.allows("file:///etc")).isFalse();
    }

    @Test
    void wildcardsAndJunkInTheSettingAllowNothing() {
        AllowedOrigins wild = AllowedOrigins.parse("* https://*.acme.example null ftp://x.example");

        assertThat(wild.allows("https://anything.example")).isFalse();
        assertThat(wild.allows("https://www.acme.example")).isFalse();
        assertThat(wild.allows("null")).isFalse();
        assertThat(AllowedOrigins.parse("").allows("https://www.acme.example")).isFalse();
    }
}
