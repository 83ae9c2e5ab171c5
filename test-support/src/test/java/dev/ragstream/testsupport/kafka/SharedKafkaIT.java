package dev.ragstream.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class SharedKafkaIT {

    @Test
    void everyCallerGetsTheSameRunningBroker() throws Exception {
        KafkaBroker first = SharedKafka.broker();
        KafkaBroker second = SharedKafka.broker();
        first.createTopics("rag.shared-check.v1");

        assertThat(second).isSameAs(first);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).contains("rag.shared-check.v1");
        }
    }
}
