/** Abuse controls at the edge: who the client is (trusted proxies), the shared IP blocklist, sliding-window rate limits and request-size checks. */
package dev.ragstream.gateway.abuse;
