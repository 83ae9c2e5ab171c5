/** Admin statistics of a tenant: documents by status, chunks, sessions, messages today, database size. */
package dev.ragstream.admin.stats;
