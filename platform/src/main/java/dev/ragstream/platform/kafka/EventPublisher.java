package dev.ragstream.platform.kafka;

import dev.ragstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
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
     * @throws RetryableException when the broker did not acknowledge in time or refused
     */
    public void publish(String topic, UUID key, String tenantId, UUID eventId, String correlationId, Object event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key.toString(), json.writeValueAsString(event));
        record.headers().add(Topics.HEADER_TENANT_ID, tenantId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.HEADER_EVENT_ID, eventId.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(Topics.HEADER_CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        try {
            kafka.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RetryableException("publishing " + key + " to " + topic + " failed", e);
        }
    }
}
