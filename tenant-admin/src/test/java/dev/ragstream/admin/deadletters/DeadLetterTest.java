package dev.ragstream.admin.deadletters;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final UUID DOCUMENT = UUID.fromString("3b0c52a4-54b1-4f7e-9f5e-0c1f4b2f6a10");

    @Test
    void readsSpringKafkasBinaryCoordinatesAndPrefersTheCauseAsTheException() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("tenant-id", "acme".getBytes(UTF_8));
        headers.add("dlt-reason", "corrupt_file".getBytes(UTF_8));
        headers.add("kafka_dlt-original-topic", "rag.uploads.v1".getBytes(UTF_8));
        headers.add("kafka_dlt-original-partition", ByteBuffer.allocate(4).putInt(3).array());
        headers.add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(5_000_000_000L).array());
        headers.add("kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException".getBytes(UTF_8));
        headers.add("kafka_dlt-exception-cause-fqcn", "dev.ragstream.platform.kafka.PermanentException".getBytes(UTF_8));

        DeadLetter letter = DeadLetter.of(record("rag.uploads.v1-dlt", DOCUMENT.toString(), "{\"version\":4,\"text\":\"secret\"}", headers));

        assertThat(letter.view()).containsEntry("id", "rag.uploads.v1-dlt:1:7").containsEntry("document_id", DOCUMENT.toString())
                .containsEntry("version", 4).containsEntry("reason", "corrupt_file").containsEntry("original_topic", "rag.uploads.v1")
                .containsEntry("original_partition", 3).containsEntry("original_offset", 5_000_000_000L)
                .containsEntry("exception", "dev.ragstream.platform.kafka.PermanentException");
        assertThat(letter.view().toString() + letter).doesNotContain("secret");
    }

    @Test
    void aBulkLaneLetterIsKeyedByItsTenantAndNamesItsDocumentInAHeader() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("tenant-id", "acme".getBytes(UTF_8));
        headers.add("document-id", DOCUMENT.toString().getBytes(UTF_8));

        DeadLetter letter = DeadLetter.of(record("rag.uploads.bulk.v1-dlt", "acme", "{\"version\":2}", headers));

        assertThat(letter.documentId()).isEqualTo(DOCUMENT);
        assertThat(letter.originalTopic()).isEqualTo("rag.uploads.bulk.v1");
        assertThat(letter.version()).isEqualTo(2);
    }

    @Test
    void aLetterWithoutSpringHeadersOrReadablePayloadStillHasItsOriginTopicAndNoVersion() {
        DeadLetter letter = DeadLetter.of(record("rag.chunks.v1-dlt", "not-a-uuid", "not json", new RecordHeaders()));

        assertThat(letter.originalTopic()).isEqualTo("rag.chunks.v1");
        assertThat(letter.documentId()).isNull();
        assertThat(letter.version()).isNull();
        assertThat(letter.originalOffset()).isNull();
        assertThat(letter.tenantId()).isNull();
    }

    private static ConsumerRecord<String, String> record(String topic, String key, String value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 1, 7, 1_700_000_000_000L, TimestampType.CREATE_TIME, -1, -1, key, value, headers, Optional.empty());
    }
}
