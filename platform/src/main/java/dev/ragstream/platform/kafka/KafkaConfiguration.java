package dev.ragstream.platform.kafka;

import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantId;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJacksonJsonMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka conventions every service shares: idempotent acks=all producers, offsets committed
 * per record only after the listener (and the database transaction inside it) returned,
 * permanent failures dead-lettered at once, transient ones retried with backoff first.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    DefaultKafkaProducerFactoryCustomizer ragstreamProducerDefaults(PlatformProperties properties) {
        return factory -> factory.updateConfigs(java.util.Map.of(
                // a send waits for the broker's metadata at most as long as a publish may take (not 60 s)
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) properties.kafka().publishTimeout().toMillis(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
    }

    @Bean
    DefaultKafkaConsumerFactoryCustomizer ragstreamConsumerDefaults() {
        return factory -> factory.updateConfigs(java.util.Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    /**
     * Offsets committed per record (a batch listener's: per batch, and up to a failed record by the
     * error handler), unless {@code spring.kafka.listener.ack-mode} says otherwise.
     */
    @Bean
    ContainerCustomizer<String, String, ConcurrentMessageListenerContainer<String, String>> ragstreamContainerDefaults(
            KafkaProperties kafka) {
        return container -> {
            if (kafka.getListener().getAckMode() == null) {
                boolean batch = container.getContainerProperties().getMessageListener()
                        instanceof org.springframework.kafka.listener.BatchMessageListener<?, ?>;
                container.getContainerProperties().setAckMode(batch ? ContainerProperties.AckMode.BATCH
                        : ContainerProperties.AckMode.RECORD);
            }
        };
    }

    @Bean
    RecordMessageConverter ragstreamEventConverter(JsonMapper json) {
        return new StringJacksonJsonMessageConverter(json);
    }

    @Bean
    RecordInterceptor<String, String> ragstreamMdcInterceptor() {
        return new MdcRecordInterceptor();
    }

    @Bean
    KafkaAdmin.NewTopics ragstreamTopics(PlatformProperties properties) {
        return new KafkaAdmin.NewTopics(Topics.all().stream()
                .map(name -> TopicBuilder.name(name).partitions(properties.kafka().partitions())
                        .replicas(properties.kafka().replicationFactor()).build())
                .toArray(NewTopic[]::new));
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json, PlatformProperties properties) {
        return new EventPublisher(kafka, json, properties.kafka().publishTimeout());
    }

    @Bean
    PipelineFailures failedDocuments(TenantRegistry tenants, TenantDataSources dataSources) {
        return new FailedDocuments(tenants, dataSources);
    }

    @Bean
    CommonErrorHandler ragstreamErrorHandler(KafkaTemplate<String, String> kafka, PipelineFailures failures,
                                             PlatformProperties properties, TenantMetrics metrics) {
        DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        deadLetters.setHeadersFunction((record, e) -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(Topics.HEADER_DLT_REASON, reason(e).getBytes(StandardCharsets.UTF_8));
            return headers;
        });
        var retry = properties.kafka().retry();
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retry.maxRetries());
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(2.0);
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) -> {
            deadLetters.accept(record, e);
            String tenant = MdcRecordInterceptor.header(record, Topics.HEADER_TENANT_ID);
            // ragstream_dead_letters_total{tenant,topic,reason}: what operators alert on
            metrics.count("dead.letters", tenant == null || !TenantId.isValid(tenant) ? "unknown" : tenant,
                    "topic", record.topic(), "reason", reason(e));
            markFailed(record, reason(e), failures);
        }, backOff);
        handler.addNotRetryableExceptions(PermanentException.class);
        return handler;
    }

    private static void markFailed(ConsumerRecord<?, ?> record, String reason, PipelineFailures failures) {
        String tenant = MdcRecordInterceptor.header(record, Topics.HEADER_TENANT_ID);
        log.error("Gave up on record {}-{}@{} of tenant {}: {}", record.topic(), record.partition(), record.offset(), tenant, reason);
        UUID documentId = EventPublisher.documentId(record);
        if (tenant == null || documentId == null) {
            return;
        }
        failures.failed(tenant, documentId, reason);
    }

    /** The reason code of a failure: the permanent exception's own, or a generic one. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PermanentException permanent) {
                return permanent.reason();
            }
            if (t instanceof org.springframework.messaging.converter.MessageConversionException
                    || t instanceof org.springframework.kafka.support.converter.ConversionException) {
                return "malformed_event";
            }
        }
        return "retries_exhausted";
    }
}
