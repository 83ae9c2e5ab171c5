package dev.ragstream.platform.kafka;

import dev.ragstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Puts {@code tenantId}, {@code documentId} and {@code correlationId} of the record being handled
 * into the MDC; a batch listener does so itself per record with {@link #forRecord}.
 */
public final class MdcRecordInterceptor implements RecordInterceptor<String, String> {

    /** The record's coordinates in the MDC until the returned scope is closed. */
    public static Scope forRecord(ConsumerRecord<String, String> record) {
        new MdcRecordInterceptor().intercept(record, null);
        return MdcRecordInterceptor::clear;
    }

    /** The MDC entries of one record, removed on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }


    @Override
    public ConsumerRecord<String, String> intercept(ConsumerRecord<String, String> record, Consumer<String, String> consumer) {
        put("tenantId", record, Topics.HEADER_TENANT_ID);
        put("correlationId", record, Topics.HEADER_CORRELATION_ID);
        UUID documentId = EventPublisher.documentId(record);
        if (documentId != null) {
            MDC.put("documentId", documentId.toString());
        }
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<String, String> record, Consumer<String, String> consumer) {
        clear();
    }

    private static void clear() {
        MDC.remove("tenantId");
        MDC.remove("documentId");
        MDC.remove("correlationId");
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(String key, ConsumerRecord<String, String> record, String header) {
        String value = header(record, header);
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
