package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingModel;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentChunked;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Embeds one message's chunks in batches (never one model call per chunk) and writes them. The
 * offset is committed after {@link #on} returns, i.e. after the transaction committed; a
 * redelivered message inserts nothing new.
 */
@Component
class DocumentChunkedListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentChunkedListener.class);

    private final TenantRegistry tenants;
    private final EmbeddingModel model;
    private final ChunkWriter writer;
    private final TenantMetrics metrics;

    DocumentChunkedListener(TenantRegistry tenants, EmbeddingModel model, ChunkWriter writer, TenantMetrics metrics) {
        this.tenants = tenants;
        this.model = model;
        this.writer = writer;
        this.metrics = metrics;
    }

    @KafkaListener(topics = DocumentChunked.TOPIC, groupId = "embed-worker", concurrency = "${ragstream.embed.concurrency:1}")
    void on(DocumentChunked event) {
        long started = System.nanoTime();
        Tenant tenant = tenants.find(event.tenantId())
                .orElseThrow(() -> new PermanentException("unknown_tenant", "tenant " + event.tenantId() + " does not exist"));
        if (!writer.wanted(tenant, event)) {
            log.info("Skipping chunks of document {} v{}: deleted, replaced or already indexed", event.documentId(), event.version());
            return;
        }
        List<float[]> vectors = model.embedAll(event.chunks().stream().map(DocumentChunkedListener::embeddedText).toList());
        ChunkWriter.Written written = writer.write(tenant, event, vectors);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.time("embed.duration", tenant.id().value(), took);
        metrics.count("embed.chunks", tenant.id().value(), "outcome", "written");
        log.info("Document {} v{}: embedded {} chunks ({} new, {}/{} stored){} in {} ms", event.documentId(), event.version(),
                event.chunks().size(), written.inserted(), written.stored(), event.totalChunks(),
                written.activated() ? ", indexed" : "", took.toMillis());
        if (written.activated()) {
            metrics.count("documents.indexed", tenant.id().value());
        }
    }

    /** The heading path is embedded with the chunk, so a passage is found by the section it is in. */
    static String embeddedText(DocumentChunked.Chunk chunk) {
        return chunk.headingPath() == null ? chunk.text() : chunk.headingPath() + "\n" + chunk.text();
    }
}
