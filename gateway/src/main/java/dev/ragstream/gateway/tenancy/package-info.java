/** Which tenant a request is for (body, then query, then header) and whether it presented that tenant's key. */
package dev.ragstream.gateway.tenancy;
