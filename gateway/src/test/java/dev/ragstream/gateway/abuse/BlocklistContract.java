package dev.ragstream.gateway.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** What every {@link Blocklist} does with the seed's rule: 10 failures in 15 minutes block for 15 minutes. */
abstract class BlocklistContract {

    /** The blocklist under test, configured with the seed's rule. */
    protected abstract Blocklist blocklist();

    static String freshNetwork() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255) + "/32";
    }

    @Test
    void nineFailuresDoNotBlockTheTenthBlocksForFifteenMinutes() throws Exception {
        String network = freshNetwork();
        for (int i = 1; i <= 9; i++) {
            assertThat(blocklist().recordFailure(network, "")).as("failure %d", i).isFalse();
            assertThat(blocklist().blockedFor(network)).isEmpty();
        }

        assertThat(blocklist().recordFailure(network, "")).isTrue();
        assertThat(blocklist().blockedFor(network)).get()
                .satisfies(left -> assertThat(left).isBetween(Duration.ofMinutes(14).plusSeconds(50), Duration.ofMinutes(15)));
    }

    @Test
    void failuresNamingDifferentTenantsAddUp() throws Exception {
        String network = freshNetwork();
        for (int i = 0; i < 4; i++) {
            blocklist().recordFailure(network, "");
            blocklist().recordFailure(network, "acme");
        }
        blocklist().recordFailure(network, "globex");

        assertThat(blocklist().recordFailure(network, "initech")).isTrue();
        assertThat(blocklist().blockedFor(network)).isPresent();
    }

    @Test
    void networksAreCountedApart() throws Exception {
        String a = freshNetwork();
        String b = freshNetwork();
        for (int i = 0; i < 9; i++) {
            blocklist().recordFailure(a, "");
            blocklist().recordFailure(b, "");
        }

        assertThat(blocklist().blockedFor(a)).isEmpty();
        assertThat(blocklist().blockedFor(b)).isEmpty();
    }

    @Test
    void ipv6NetworksAreCountedAsNetworks() throws Exception {
        String network = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 65535)) + ":1:0:0:0:0/64";
        for (int i = 0; i < 10; i++) {
            blocklist().recordFailure(network, "");
        }

        assertThat(blocklist().blockedFor(network)).isPresent();
    }

    @Test
    void furtherFailuresDoNotExtendABlock() throws Exception {
        String network = freshNetwork();
        for (int i = 0; i < 10; i++) {
            blocklist().recordFailure(network, "");
        }
        Duration left = blocklist().blockedFor(network).orElseThrow();

        assertThat(blocklist().recordFailure(network, "acme")).isFalse();
        assertThat(blocklist().blockedFor(network)).get().satisfies(after -> assertThat(after).isLessThanOrEqualTo(left));
    }
}
