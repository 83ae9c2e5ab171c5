package dev.ragstream.platform.kafka;

import java.util.UUID;

/** Records that a document's processing was given up; implemented by each worker. */
@FunctionalInterface
public interface PipelineFailures {

    /** Marks the document failed with {@code reason}; must be idempotent. */
    void failed(String tenantId, UUID documentId, String reason);
}
