package dev.ragstream.admin.deadletters;

import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One record of a dead-letter topic with what an operator needs to know of it: where it is,
 * where it came from, which document and version, why it was given up. {@link #view()} leaves
 * out the payload (document text travels in chunk events) and the stack trace.
 *
 * @param documentId null when the key is not a document id
 * @param version    null when the payload is not a readable event
 */
record DeadLetter(String topic, int partition, long offset, Instant timestamp, String tenantId, UUID documentId,
                  Integer version, String reason, String originalTopic, Integer originalPartition, Long originalOffset,
                  String exception, ConsumerRecord<String, String> record) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The letter's id in the admin API: {@code <topic>:<partition>:<offset>}. */
    String id() {
        return topic + ":" + partition + ":" + offset;
    }

    static DeadLetter of(ConsumerRecord<String, String> record) {
        String originalTopic = text(record, KafkaHeaders.DLT_ORIGINAL_TOPIC);
        if (originalTopic == null && record.topic().endsWith("-dlt")) {
            originalTopic = record.topic().substring(0, record.topic().length() - "-dlt".length());
        }
        String exception = text(record, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN);
        if (exception == null) {
            exception = text(record, KafkaHeaders.DLT_EXCEPTION_FQCN);
        }
        Long originalPartition = number(record, KafkaHeaders.DLT_ORIGINAL_PARTITION);
        JsonNode payload = payload(record.value());
        return new DeadLetter(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                text(record, Topics.HEADER_TENANT_ID), EventPublisher.documentId(record),
                payload.path("version").isIntegralNumber() ? payload.path("version").asInt() : null,
                text(record, Topics.HEADER_DLT_REASON), originalTopic,
                originalPartition == null ? null : originalPartition.intValue(),
                number(record, KafkaHeaders.DLT_ORIGINAL_OFFSET), exception, record);
    }

    /** The letter as the admin API shows it: coordinates, document, reason; never the payload or a stack trace. */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id());
        view.put("topic", topic);
        view.put("partition", partition);
        view.put("offset", offset);
        view.put("timestamp", timestamp.toString());
        view.put("document_id", documentId == null ? null : documentId.toString());
        view.put("version", version);
        view.put("reason", reason);
        view.put("original_topic", originalTopic);
        view.put("original_partition", originalPartition);
        view.put("original_offset", originalOffset);
        view.put("exception", exception);
        return view;
    }

    /** Never the payload or headers: chunk events carry document text, and values end up in logs. */
    @Override
    public String toString() {
        return "DeadLetter[" + id() + ", tenant=" + tenantId + ", document=" + documentId + " v" + version + ", reason=" + reason + "]";
    }

    /** The payload as JSON; a missing node when it is not JSON. */
    JsonNode payload() {
        return payload(record.value());
    }

    private static JsonNode payload(String value) {
        try {
            return value == null ? JSON.missingNode() : JSON.readTree(value);
        } catch (JacksonException e) {
            return JSON.missingNode();
        }
    }

    static String text(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Spring Kafka writes partitions as 4 and offsets as 8 big-endian bytes. */
    private static Long number(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(header.value());
        return switch (header.value().length) {
            case 4 -> (long) bytes.getInt();
            case 8 -> bytes.getLong();
            default -> null;
        };
    }
}
