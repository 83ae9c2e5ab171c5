/** The public HTTP edge: resolves and authenticates the tenant, accepts uploads, proxies chat to the query API. */
package dev.ragstream.gateway;
