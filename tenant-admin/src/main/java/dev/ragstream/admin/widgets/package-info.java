/** Admin CRUD of a tenant's widgets: widget key → settings JSON (chatdb, row-level security). */
package dev.ragstream.admin.widgets;
