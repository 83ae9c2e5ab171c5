/** The admin API's view of a tenant's embedding generations: progress, switching back and forth, dropping. */
package dev.ragstream.admin.embeddings;
