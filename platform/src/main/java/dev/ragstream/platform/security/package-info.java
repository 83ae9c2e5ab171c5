/** Secrets: API-key generation and constant-time comparison. */
package dev.ragstream.platform.security;
