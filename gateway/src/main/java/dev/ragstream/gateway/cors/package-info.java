/** Cross-origin access per tenant: only the exact origins in a tenant's ALLOWED_ORIGINS are echoed; other preflights are refused. */
package dev.ragstream.gateway.cors;
