/** The embed worker: chunks become vectors in the tenant's ragdb, and a complete version becomes searchable. */
package dev.ragstream.embed;
