package dev.ragstream.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerIT {

    private static final String TOPIC = "rag.test-records.v1";
    private static final int RECORDS = 100;
    private static final int KEYS = 10;

    @TempDir
    Path dataDir;

    @Test
    void keepsTopicsRecordsAndClusterIdAcrossARestartOnTheSameDataDir() throws Exception {
        String clusterId;
        try (KafkaBroker broker = KafkaBroker.start(dataDir, 0)) {
            broker.createTopics(TOPIC);
            produce(broker.bootstrapServers());

            assertAllRecordsInKeyOrder(consumeAll(broker.bootstrapServers(), "before-restart"));
            clusterId = describe(broker.bootstrapServers()).clusterId;
            assertThat(describe(broker.bootstrapServers()).partitions).isEqualTo(4);
        }

        try (KafkaBroker restarted = KafkaBroker.start(dataDir, 0)) {
            Cluster cluster = describe(restarted.bootstrapServers());
            assertThat(cluster.clusterId).isEqualTo(clusterId);
            assertThat(cluster.partitions).isEqualTo(4);
            assertAllRecordsInKeyOrder(consumeAll(restarted.bootstrapServers(), "after-restart"));
        }
    }

    @Test
    void createTopicsLeavesAnExistingTopicAndCloseCanBeCalledTwice() throws Exception {
        KafkaBroker broker = KafkaBroker.start(dataDir, 0);
        try (broker) {
            broker.createTopics(TOPIC);
            broker.createTopics(TOPIC, "rag.other.v1");

            try (Admin admin = admin(broker.bootstrapServers())) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC, "rag.other.v1");
            }
        }
        broker.close();
        assertThat(FreePorts.isFree(port(broker.bootstrapServers()))).isTrue();
    }

    @Test
    void refusesADataDirThatAnotherBrokerUsesAndLeavesThatBrokerRunning() throws Exception {
        try (KafkaBroker first = KafkaBroker.start(dataDir, 0)) {
            assertThatThrownBy(() -> KafkaBroker.start(dataDir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another Kafka broker is using");

            first.createTopics(TOPIC);
            assertThat(describe(first.bootstrapServers()).partitions).isEqualTo(4);
        }
    }

    @Test
    void refusesAPortThatIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));

            assertThatThrownBy(() -> KafkaBroker.start(dataDir, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    private static void produce(String bootstrapServers) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + (i % KEYS), String.valueOf(i)));
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String bootstrapServers, String groupId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                assertThat(received).hasSizeGreaterThanOrEqualTo(RECORDS);
            });
        }
        return received;
    }

    private static void assertAllRecordsInKeyOrder(List<ConsumerRecord<String, String>> records) {
        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, RECORDS).mapToObj(String::valueOf).toList());
        for (int key = 0; key < KEYS; key++) {
            String k = "key-" + key;
            assertThat(records).filteredOn(r -> r.key().equals(k))
                    .extracting(r -> Integer.parseInt(r.value()))
                    .as("records of %s stay in send order on one partition", k)
                    .isSorted()
                    .hasSize(RECORDS / KEYS)
                    .allSatisfy(v -> assertThat(v % KEYS).isEqualTo(Integer.parseInt(k.substring(4))));
        }
    }

    private record Cluster(String clusterId, int partitions) {
    }

    private static Cluster describe(String bootstrapServers) throws ExecutionException, InterruptedException {
        try (Admin admin = admin(bootstrapServers)) {
            String clusterId = admin.describeCluster().clusterId().get();
            int partitions = admin.describeTopics(List.of(TOPIC)).allTopicNames().get()
                    .get(TOPIC).partitions().size();
            return new Cluster(clusterId, partitions);
        }
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static int port(String bootstrapServers) {
        return Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
    }
}
