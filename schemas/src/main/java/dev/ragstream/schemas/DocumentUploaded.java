package dev.ragstream.schemas;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's upload was accepted and its bytes staged; the ingest worker converts and chunks it.
 * The bytes never travel through Kafka: {@code stagedAt} refers to the staged copy and
 * {@code sha256} identifies its content. A reindex (a new version from the stored markdown) has no
 * staged copy: {@code stagedAt} is null.
 */
public record DocumentUploaded(UUID eventId, String tenantId, UUID documentId, int version,
                               String filename, String contentType, long sizeBytes,
                               String sha256, URI stagedAt, Instant acceptedAt) {
}
