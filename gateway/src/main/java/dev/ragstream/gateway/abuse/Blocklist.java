package dev.ragstream.gateway.abuse;

import java.time.Duration;
import java.util.Optional;

/**
 * Counts failed tenant resolutions and authentications per client network and blocks a network
 * that failed too often. Networks are {@link ClientAddress#network()} texts.
 */
interface Blocklist {

    /**
     * @return the time left of the network's block, empty when it is not blocked
     * @throws BlocklistUnavailableException when the store cannot answer (the caller must not guess)
     */
    Optional<Duration> blockedFor(String network) throws BlocklistUnavailableException;

    /**
     * Counts one failure of {@code network}; {@code tenantId} is the tenant it named ("" when none resolved).
     * @return true when this failure blocked the network
     * @throws BlocklistUnavailableException when the store cannot count it (the failure is then not counted)
     */
    boolean recordFailure(String network, String tenantId) throws BlocklistUnavailableException;
}
