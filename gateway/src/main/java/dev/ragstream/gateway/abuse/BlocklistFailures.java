package dev.ragstream.gateway.abuse;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Counts access failures in the blocklist, at most one per request; an outage of the store counts nothing. */
@Component
final class BlocklistFailures implements AccessFailures {

    private static final Logger log = LoggerFactory.getLogger(BlocklistFailures.class);
    private static final String COUNTED = BlocklistFailures.class.getName() + ".counted";

    private final Blocklist blocklist;
    private final ClientAddresses addresses;

    BlocklistFailures(Blocklist blocklist, ClientAddresses addresses) {
        this.blocklist = blocklist;
        this.addresses = addresses;
    }

    @Override
    public void failed(HttpServletRequest request, String tenantId) {
        if (request.getAttribute(COUNTED) != null) {
            return;
        }
        request.setAttribute(COUNTED, Boolean.TRUE);
        ClientAddress client = EdgeRequest.find(request).map(EdgeRequest::client).orElseGet(() ->
                addresses.resolve(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For"))));
        try {
            if (blocklist.recordFailure(client.network(), tenantId == null ? "" : tenantId)) {
                log.warn("Client network {} blocked after too many failed tenant resolutions or authentications",
                        client.network());
            }
        } catch (BlocklistUnavailableException e) {
            // not counted: an outage must neither block anyone nor change the answer (the store logs the outage)
        }
    }
}
