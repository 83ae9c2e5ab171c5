/** Admin view of a tenant's documents: list, inspect, delete, reindex from the stored markdown. */
package dev.ragstream.admin.documents;
