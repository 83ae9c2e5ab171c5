/** Forwarding of authenticated requests to the internal services, with the internal secret and the tenant set by the gateway. */
package dev.ragstream.gateway.proxy;
