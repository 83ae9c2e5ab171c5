package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RateLimitingTest {

    static final GatewayProperties.RateLimits SEED =
            new GatewayProperties.RateLimits(Duration.ofSeconds(60), 30, 30, 60, 5, 10, 10, 5, 30, 600, 10, 100_000);

    private final RateLimiting limits = new RateLimiting(SEED, System::currentTimeMillis);
    private final Tenant acme = new Tenant(TenantId.of("acme"), Map.of());
    private final Tenant tight = new Tenant(TenantId.of("tight"), Map.of(
            "RATE_LIMIT_CHAT_PER_MINUTE", "2", "RATE_LIMIT_UPLOAD_PER_MINUTE", "1", "RATE_LIMIT_TENANT_PER_MINUTE", "7",
            "RATE_LIMIT_API_DEBUG_PER_MINUTE", "0", "RATE_LIMIT_WIDGET_CONFIG_PER_MINUTE", "many"));

    @Test
    void theSeedDefaultsApplyUnlessTheTenantSetsAPositiveNumber() {
        assertThat(limits.limit(LimitRule.CHAT, Optional.of(acme))).isEqualTo(30);
        assertThat(limits.limit(LimitRule.UPLOAD, Optional.empty())).isEqualTo(10);
        assertThat(limits.limit(LimitRule.API_DEBUG, Optional.of(acme))).isEqualTo(5);
        assertThat(limits.limit(LimitRule.CHAT, Optional.of(tight))).isEqualTo(2);
        assertThat(limits.limit(LimitRule.UPLOAD, Optional.of(tight))).isEqualTo(1);
        assertThat(limits.limit(LimitRule.TENANT, Optional.of(tight))).isEqualTo(7);
        assertThat(limits.limit(LimitRule.API_DEBUG, Optional.of(tight))).as("zero").isEqualTo(5);
        assertThat(limits.limit(LimitRule.WIDGET_CONFIG, Optional.of(tight))).as("not a number").isEqualTo(60);
    }

    @Test
    void chatIsCountedPerSessionAndClient() {
        assertThat(acquire(LimitRule.CHAT, tight, "198.51.100.1", "s1").allowed()).isTrue();
        assertThat(acquire(LimitRule.CHAT, tight, "198.51.100.1", "s1").allowed()).isTrue();
        assertThat(acquire(LimitRule.CHAT, tight, "198.51.100.1", "s1").allowed()).isFalse();

        assertThat(acquire(LimitRule.CHAT, tight, "198.51.100.1", "s2").allowed()).as("other session").isTrue();
        assertThat(acquire(LimitRule.CHAT, tight, "198.51.100.2", "s1").allowed()).as("other client").isTrue();
    }

    @Test
    void uploadsAreCountedPerClientWhateverTheSession() {
        assertThat(acquire(LimitRule.UPLOAD, tight, "198.51.100.1", "a").allowed()).isTrue();
        assertThat(acquire(LimitRule.UPLOAD, tight, "198.51.100.1", "b").allowed()).isFalse();
    }

    @Test
    void inventedTenantNamesShareOneCountSoTheyNeverResetIt() {
        for (int i = 0; i < 10; i++) {
            assertThat(limits.acquire(LimitRule.UPLOAD, edge("nope-" + i, null, "198.51.100.9", null)).allowed()).isTrue();
        }
        assertThat(limits.acquire(LimitRule.UPLOAD, edge("nope-x", null, "198.51.100.9", null)).allowed()).isFalse();
    }

    @Test
    void theTenantTotalCountsAllClientsOfTheTenant() {
        for (int i = 0; i < 7; i++) {
            assertThat(acquire(LimitRule.TENANT, tight, "198.51.100." + i, "s" + i).allowed()).isTrue();
        }
        assertThat(acquire(LimitRule.TENANT, tight, "198.51.100.99", "new").allowed()).isFalse();
        assertThat(acquire(LimitRule.TENANT, acme, "198.51.100.99", "new").allowed()).as("other tenant").isTrue();
    }

    @Test
    void unrecognisedOriginsAreCountedPerNetworkAcrossTenants() {
        for (int i = 0; i < 10; i++) {
            acquire(LimitRule.UNRECOGNISED_ORIGIN, i % 2 == 0 ? acme : tight, "2001:db8:5:6::" + (i + 1), null);
        }
        assertThat(acquire(LimitRule.UNRECOGNISED_ORIGIN, acme, "2001:db8:5:6::ffff", null).allowed()).isFalse();
        assertThat(acquire(LimitRule.UNRECOGNISED_ORIGIN, acme, "2001:db8:5:7::1", null).allowed()).isTrue();
    }

    @Test
    void theTighterDecisionIsShown() {
        RateLimitDecision roomy = new RateLimitDecision(true, 30, 20, 100, 0);
        RateLimitDecision scarce = new RateLimitDecision(true, 600, 3, 90, 0);
        RateLimitDecision refused = new RateLimitDecision(false, 600, 0, 90, 5);

        assertThat(RateLimitDecision.tighter(roomy, scarce)).isSameAs(scarce);
        assertThat(RateLimitDecision.tighter(scarce, roomy)).isSameAs(scarce);
        assertThat(RateLimitDecision.tighter(roomy, refused)).isSameAs(refused);
    }

    private RateLimitDecision acquire(LimitRule rule, Tenant tenant, String ip, String session) {
        return limits.acquire(rule, edge(tenant.id().value(), tenant, ip, session));
    }

    static EdgeRequest edge(String named, Tenant tenant, String ip, String session) {
        try {
            return new EdgeRequest(ClientAddress.of(InetAddress.getByName(ip)), Route.CHAT, named, Optional.ofNullable(tenant),
                    session, OptionalInt.empty());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
