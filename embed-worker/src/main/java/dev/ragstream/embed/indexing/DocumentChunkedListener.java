package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.embedding.EmbeddingModel;
import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentChunked;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Embeds one message's chunks in batches (never one model call per chunk) with the model of each
 * live embedding generation of the tenant (its own provider and key), and writes them. The
 * offset is committed after {@link #on} returns, i.e. after the transaction committed; a
 * redelivered message inserts nothing new.
 */
@Component
class DocumentChunkedListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentChunkedListener.class);

    private final TenantRegistry tenants;
    private final EmbeddingModels models;
    private final ChunkWriter writer;
    private final TenantMetrics metrics;

    DocumentChunkedListener(TenantRegistry tenants, EmbeddingModels models, ChunkWriter writer, TenantMetrics metrics) {
        this.tenants = tenants;
        this.models = models;
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
        EmbeddingSettings configured = configured(tenant);
        List<String> texts = event.chunks().stream().map(c -> IndexGenerations.embeddedText(c.headingPath(), c.text())).toList();
        Map<Integer, List<float[]>> vectors = new LinkedHashMap<>();
        List<Generation> generations = writer.generations(tenant);
        if (generations.stream().noneMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
            generations = writer.adopt(tenant, configured, dimension(configured));
        }
        for (Generation generation : generations) {
            long calling = System.nanoTime();
            vectors.put(generation.number(), embed(model(tenant, generation), texts));
            metrics.time("embed.model.duration", tenant.id().value(), Duration.ofNanos(System.nanoTime() - calling),
                    "provider", generation.provider());
        }
        ChunkWriter.Written written = writer.write(tenant, event, vectors);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.time("embed.duration", tenant.id().value(), took);
        metrics.size("embed.batch.size", tenant.id().value(), texts.size());
        metrics.add("embed.chunks", tenant.id().value(), written.inserted());
        metrics.add("embed.tokens", tenant.id().value(), event.chunks().stream().mapToInt(DocumentChunked.Chunk::tokenCount).sum());
        log.info("Document {} v{}: embedded {} chunks ({} new, {}/{} stored){} in {} ms", event.documentId(), event.version(),
                event.chunks().size(), written.inserted(), written.stored(), event.totalChunks(),
                written.activated() ? ", indexed" : "", took.toMillis());
        if (written.activated()) {
            metrics.count("documents.indexed", tenant.id().value());
            metrics.time("documents.time.to.searchable", tenant.id().value(), written.queuedFor());
        }
    }

    private static EmbeddingSettings configured(Tenant tenant) {
        try {
            return EmbeddingSettings.fromTenant(tenant::get);
        } catch (IllegalArgumentException e) {
            throw new PermanentException("embedding_misconfigured", "tenant " + tenant.id() + ": " + e.getMessage(), e);
        }
    }

    private int dimension(EmbeddingSettings settings) {
        try {
            return models.forSettings(settings).dimension();
        } catch (EmbeddingException e) {
            throw failure(e);
        }
    }

    private EmbeddingModel model(Tenant tenant, Generation generation) {
        try {
            return models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(), generation.dimensions(), tenant::get));
        } catch (IllegalArgumentException e) {
            throw new PermanentException("embedding_misconfigured", "tenant " + tenant.id() + ": " + e.getMessage(), e);
        }
    }

    private static List<float[]> embed(EmbeddingModel model, List<String> texts) {
        try {
            return model.embedAll(texts);
        } catch (EmbeddingException e) {
            throw failure(e);
        }
    }

    /** A provider that is down or limiting is retried with backoff (then dead-lettered); one that refuses the input is not. */
    private static RuntimeException failure(EmbeddingException e) {
        return e.retryable() ? new RetryableException(e.getMessage(), e) : new PermanentException("embedding_rejected", e.getMessage(), e);
    }
}
