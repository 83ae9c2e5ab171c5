/** Chat: authenticates the tenant and forwards the request to the query API with the internal secret. */
package dev.ragstream.gateway.chat;
