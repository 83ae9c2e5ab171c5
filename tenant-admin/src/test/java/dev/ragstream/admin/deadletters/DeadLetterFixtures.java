package dev.ragstream.admin.deadletters;

import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.schemas.Topics;
import dev.ragstream.testsupport.kafka.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * Dead letters exactly as the workers' error handler writes them — Spring Kafka's own
 * {@link DeadLetterPublishingRecoverer} with the platform's {@code dlt-reason} header — and a
 * reader of what landed on a topic, on the shared in-JVM broker.
 */
public final class DeadLetterFixtures implements AutoCloseable {

    private final DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    private final KafkaTemplate<String, String> kafka = new KafkaTemplate<>(producers);

    /** Dead-letters a record of {@code topic} at the given coordinates, failed permanently with {@code reason}. */
    public void deadLetter(String topic, int partition, long offset, String tenant, String key, String correlationId,
                    String payload, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_TENANT_ID, tenant.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_EVENT_ID, "00000000-0000-0000-0000-00000000e1e1".getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.HEADER_CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, String> failed = new ConsumerRecord<>(topic, partition, offset, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, -1, -1, key, payload, headers, Optional.empty());
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        recoverer.setHeadersFunction((record, e) -> {
            RecordHeaders extra = new RecordHeaders();
            extra.add(Topics.HEADER_DLT_REASON, reason.getBytes(StandardCharsets.UTF_8));
            return extra;
        });
        recoverer.accept(failed, new ListenerExecutionFailedException("listener failed",
                new PermanentException(reason, "document " + key + " failed: " + reason)));
    }

    /** The end offset of every partition of {@code topic} now. */
    public Map<TopicPartition, Long> ends(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    /** Every record of the topic from {@code from} (as {@link #ends} returned it earlier) up to its end now. */
    public List<ConsumerRecord<String, String>> since(Map<TopicPartition, Long> from) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + from.keySet() + " to its end");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    }

    @Override
    public void close() {
        producers.destroy();
    }
}
