package dev.ragstream.platform.kafka;

import dev.ragstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes an event as JSON with the tenant, event and correlation headers, and waits until the
 * broker acknowledged it (acks=all, idempotent producer).
 */
public final class EventPublisher {

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final Duration timeout;

    public EventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json, Duration timeout) {
        this.kafka = kafka;
        this.json = json;
        this.timeout = timeout;
    }

    /**
     * Publishes a document's event to a pipeline topic, under the key of the topic's lane (see
     * {@link Topics.Lane#key}); the document id travels in the {@code document-id} header too,
     * because a bulk lane's key is the tenant.
     * @throws RetryableException when the broker did not acknowledge in time or refused
     */
    public void publish(String topic, String tenantId, UUID documentId, UUID eventId, String correlationId, Object event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, Topics.Lane.of(topic).key(tenantId, documentId),
                json.writeValueAsString(event));
        record.headers().add(Topics.HEADER_TENANT_ID, tenantId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.HEADER_DOCUMENT_ID, documentId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.HEADER_EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.HEADER_CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        try {
            kafka.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (org.apache.kafka.common.KafkaException | org.springframework.kafka.KafkaException e) {
            // thrown by send itself: no broker answered for metadata within the producer's max.block.ms
            throw new RetryableException("publishing an event of " + documentId + " to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RetryableException("publishing an event of " + documentId + " to " + topic + " failed", e);
        }
    }

    /**
     * The document a pipeline record is about: its {@code document-id} header, else its key (records
     * published before the lanes were keyed by document); null when neither is a UUID.
     */
    public static UUID documentId(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(Topics.HEADER_DOCUMENT_ID);
        String value = header != null ? new String(header.value(), StandardCharsets.UTF_8)
                : record.key() == null ? null : record.key().toString();
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
