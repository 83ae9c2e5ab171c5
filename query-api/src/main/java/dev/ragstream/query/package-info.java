/** The query API: retrieval over a tenant's index and chat answers with cited sources. */
package dev.ragstream.query;
