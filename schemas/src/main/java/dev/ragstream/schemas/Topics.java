package dev.ragstream.schemas;

import java.util.List;

/** Kafka topic names and record headers shared by producers and consumers. */
public final class Topics {

    /** Accepted uploads, key = document id. */
    public static final String UPLOADS = "rag.uploads.v1";
    /** Chunked documents ready to embed, key = document id. */
    public static final String CHUNKS = "rag.chunks.v1";

    public static final String HEADER_TENANT_ID = "tenant-id";
    public static final String HEADER_EVENT_ID = "event-id";
    public static final String HEADER_CORRELATION_ID = "correlation-id";
    /** Reason code set on records sent to a dead-letter topic. */
    public static final String HEADER_DLT_REASON = "dlt-reason";

    private Topics() {
    }

    /** The dead-letter topic of {@code topic}. */
    public static String deadLetter(String topic) {
        return topic + "-dlt";
    }

    /** Every topic the pipeline needs, dead-letter topics included. */
    public static List<String> all() {
        return List.of(UPLOADS, deadLetter(UPLOADS), CHUNKS, deadLetter(CHUNKS));
    }
}
