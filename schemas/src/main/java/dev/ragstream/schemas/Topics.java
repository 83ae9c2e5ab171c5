package dev.ragstream.schemas;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Kafka topic names and record headers shared by producers and consumers.
 *
 * <p>Each stage has two lanes (see {@code docs/fairness.md}): the interactive lane carries the
 * documents of tenants with few in the pipeline, keyed by document so that they spread over all
 * partitions; the bulk lane carries the rest, keyed by tenant, so that one tenant's backlog fills
 * one partition and neither delays the interactive lane nor the other bulk tenants' partitions.
 * Workers consume each lane with its own consumers. A document keeps its lane through the stages.
 */
public final class Topics {

    /** Accepted uploads of the interactive lane, key = document id. */
    public static final String UPLOADS = "rag.uploads.v1";
    /** Accepted uploads of the bulk lane, key = tenant id. */
    public static final String BULK_UPLOADS = "rag.uploads.bulk.v1";
    /** Chunked documents ready to embed, interactive lane, key = document id. */
    public static final String CHUNKS = "rag.chunks.v1";
    /** Chunked documents ready to embed, bulk lane, key = tenant id. */
    public static final String BULK_CHUNKS = "rag.chunks.bulk.v1";

    public static final String HEADER_TENANT_ID = "tenant-id";
    public static final String HEADER_EVENT_ID = "event-id";
    /** The document an event is about (a bulk lane's record key is its tenant, not its document). */
    public static final String HEADER_DOCUMENT_ID = "document-id";
    public static final String HEADER_CORRELATION_ID = "correlation-id";
    /** Reason code set on records sent to a dead-letter topic. */
    public static final String HEADER_DLT_REASON = "dlt-reason";

    /** Which consumers a document's events wait for. */
    public enum Lane {
        INTERACTIVE(UPLOADS, CHUNKS), BULK(BULK_UPLOADS, BULK_CHUNKS);

        private final String uploads;
        private final String chunks;

        Lane(String uploads, String chunks) {
            this.uploads = uploads;
            this.chunks = chunks;
        }

        public String uploads() {
            return uploads;
        }

        public String chunks() {
            return chunks;
        }

        /** The record key of a document's events in this lane. */
        public String key(String tenantId, UUID documentId) {
            return this == BULK ? tenantId : documentId.toString();
        }

        /** The lane of a pipeline topic or of its dead-letter topic. */
        public static Lane of(String topic) {
            String original = topic.endsWith(DLT_SUFFIX) ? topic.substring(0, topic.length() - DLT_SUFFIX.length()) : topic;
            for (Lane lane : values()) {
                if (lane.uploads.equals(original) || lane.chunks.equals(original)) {
                    return lane;
                }
            }
            throw new IllegalArgumentException("not a pipeline topic: " + topic);
        }
    }

    private static final String DLT_SUFFIX = "-dlt";

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}. */
    public static String deadLetter(String topic) {
        return topic + DLT_SUFFIX;
    }

    /** The topics that carry upload events, of every lane. */
    public static List<String> uploadTopics() {
        return List.of(UPLOADS, BULK_UPLOADS);
    }

    /** The topics that carry chunk events, of every lane. */
    public static List<String> chunkTopics() {
        return List.of(CHUNKS, BULK_CHUNKS);
    }

    /** The dead-letter topics of the pipeline. */
    public static List<String> deadLetters() {
        return Stream.concat(uploadTopics().stream(), chunkTopics().stream()).map(Topics::deadLetter).toList();
    }

    /** Every topic the pipeline needs, dead-letter topics included. */
    public static List<String> all() {
        return Stream.concat(uploadTopics().stream(), chunkTopics().stream())
                .flatMap(topic -> Stream.of(topic, deadLetter(topic))).toList();
    }
}
