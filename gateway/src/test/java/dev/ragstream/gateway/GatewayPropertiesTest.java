package dev.ragstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

class GatewayPropertiesTest {

    @Test
    void theAbuseControlsDefaultToTheSeedsRules() {
        GatewayProperties gateway = bind(Map.of());

        assertThat(gateway.trustedProxies()).isEmpty();
        assertThat(gateway.maxMessageLength()).isEqualTo(10_000);
        assertThat(gateway.maxJsonBody()).isEqualTo(DataSize.ofMegabytes(1));
        assertThat(gateway.blocklist().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/chatdb");
        assertThat(gateway.blocklist().user()).isEqualTo("chatuser");
        assertThat(gateway.blocklist().maxFailures()).isEqualTo(10);
        assertThat(gateway.blocklist().window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(gateway.blocklist().blockFor()).isEqualTo(Duration.ofMinutes(15));
        var limits = gateway.rateLimits();
        assertThat(limits.window()).isEqualTo(Duration.ofSeconds(60));
        assertThat(new int[] {limits.chat(), limits.upload(), limits.apiDebug()}).containsExactly(30, 10, 5);
        assertThat(gateway.cors().maxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(gateway.uploads().slots()).isZero(); // eight per processor
        assertThat(gateway.uploads().bufferedBody()).isEqualTo(DataSize.ofKilobytes(256));
        assertThat(gateway.uploads().maxWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void trustedProxiesComeAsACommaSeparatedListAndAnEmptyValueMeansNone() {
        assertThat(bind(Map.of("ragstream.gateway.trusted-proxies", "")).trustedProxies()).isEmpty();
        assertThat(bind(Map.of("ragstream.gateway.trusted-proxies", "10.0.0.0/8, 2001:db8::/32")).trustedProxies())
                .containsExactly("10.0.0.0/8", "2001:db8::/32");
    }

    private static GatewayProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("ragstream.gateway", GatewayProperties.class);
    }
}
