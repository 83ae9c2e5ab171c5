/** The admin API route: {@code /admin/**} with the tenant's ADMIN_API_KEY, served by tenant-admin. */
package dev.ragstream.gateway.admin;
