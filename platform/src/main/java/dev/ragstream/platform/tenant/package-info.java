/** Tenants: ids, their {@code tenants/<id>/.env} configuration, the hot-reloading registry and per-tenant database pools. */
package dev.ragstream.platform.tenant;
