/** Tenant administration: the {@code bin/tenant} CLI and the admin HTTP service. */
package dev.ragstream.admin;
