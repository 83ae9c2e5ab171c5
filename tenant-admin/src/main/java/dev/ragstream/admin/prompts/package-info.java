/** Admin CRUD of a tenant's system prompt templates, at most one active (chatdb, row-level security). */
package dev.ragstream.admin.prompts;
