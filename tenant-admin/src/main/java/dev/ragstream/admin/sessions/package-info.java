/** Admin view of a tenant's chat sessions and their messages, from its own ragdb. */
package dev.ragstream.admin.sessions;
