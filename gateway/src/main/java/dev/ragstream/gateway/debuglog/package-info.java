/** API debug logs: a tenant that enables them gets its API exchanges recorded (secrets redacted, bodies truncated) and readable at {@code /api-debug/logs}. */
package dev.ragstream.gateway.debuglog;
