/** {@code /debug-rag}: a tenant's documents with their status, and every retrieval candidate of a test query with its ranks and scores. */
package dev.ragstream.query.debug;
