package dev.ragstream.admin.deadletters;

import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads one tenant's dead letters from both dead-letter topics with a short-lived consumer: no
 * consumer group and no commits, every partition from its beginning up to the end offsets taken
 * at the start — so a read ends even while new letters arrive — within {@link #TIME_LIMIT}.
 */
@Component
class DeadLetterReader {

    /** The dead-letter topics, in the order their letters are listed. */
    static final List<String> TOPICS = Topics.deadLetters();
    /** A whole read is bounded; dead-letter topics are small (only given-up records), this is generous. */
    private static final Duration TIME_LIMIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(200);

    private final ConsumerFactory<String, String> consumers;

    DeadLetterReader(ConsumerFactory<String, String> consumers) {
        this.consumers = consumers;
    }

    /**
     * The letters whose {@code tenant-id} header is {@code tenant}, oldest first per topic and partition.
     * @throws ApiException 503 when Kafka cannot be read completely in time
     */
    List<DeadLetter> read(TenantId tenant) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        try (Consumer<String, String> consumer = consumers.createConsumer(null, "tenant-admin-dead-letters", null, overrides)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = Map.copyOf(consumer.endOffsets(partitions, TIME_LIMIT));
            Map<TopicPartition, Long> pending = new HashMap<>(ends);
            List<DeadLetter> letters = new ArrayList<>();
            long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
            while (!reachedEnd(consumer, pending)) {
                if (System.nanoTime() - deadline > 0) {
                    throw unavailable();
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.getOrDefault(partition, 0L)
                            && tenant.value().equals(DeadLetter.text(record, Topics.HEADER_TENANT_ID))) {
                        letters.add(DeadLetter.of(record));
                    }
                }
            }
            letters.sort(Comparator.comparing((DeadLetter l) -> TOPICS.indexOf(l.topic()))
                    .thenComparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset));
            return letters;
        } catch (KafkaException e) {
            throw unavailable();
        }
    }

    private static List<TopicPartition> partitions(Consumer<String, String> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIME_LIMIT);
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        }
        return partitions;
    }

    /** Done once every partition's position passed the end captured at the start (positions skip aborted and control records). */
    private static boolean reachedEnd(Consumer<String, String> consumer, Map<TopicPartition, Long> pending) {
        pending.entrySet().removeIf(end -> consumer.position(end.getKey(), TIME_LIMIT) >= end.getValue());
        return pending.isEmpty();
    }

    private static ApiException unavailable() {
        return ApiException.unavailable("dead-letters-unavailable", "The dead-letter topics cannot be read right now; please retry");
    }
}
