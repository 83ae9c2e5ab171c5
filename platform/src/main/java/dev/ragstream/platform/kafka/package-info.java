/** Kafka conventions: JSON events with tenant headers, idempotent publishing, retryable vs permanent failures, dead-letter topics. */
package dev.ragstream.platform.kafka;
