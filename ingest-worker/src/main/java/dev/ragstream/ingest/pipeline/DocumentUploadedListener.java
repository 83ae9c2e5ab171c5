package dev.ragstream.ingest.pipeline;

import dev.ragstream.ingest.IngestProperties;
import dev.ragstream.ingest.chunking.Chunk;
import dev.ragstream.ingest.chunking.Chunker;
import dev.ragstream.ingest.conversion.DocumentConverter;
import dev.ragstream.ingest.conversion.DocumentConverter.ConvertedDocument;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentChunked;
import dev.ragstream.schemas.DocumentUploaded;
import dev.ragstream.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Converts an uploaded document, chunks it and hands the chunks to the embed worker. Safe to
 * run twice for the same event: chunks are keyed by (document, version, index) downstream, and a
 * document that was deleted, failed, replaced or already indexed is left alone.
 */
@Component
class DocumentUploadedListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentUploadedListener.class);

    private final TenantRegistry tenants;
    private final DocumentStates documents;
    private final StagingStore staging;
    private final DocumentConverter converter;
    private final Chunker chunker;
    private final EventPublisher events;
    private final IngestProperties properties;
    private final TenantMetrics metrics;

    DocumentUploadedListener(TenantRegistry tenants, DocumentStates documents, StagingStore staging,
                             DocumentConverter converter, Chunker chunker, EventPublisher events,
                             IngestProperties properties, TenantMetrics metrics) {
        this.tenants = tenants;
        this.documents = documents;
        this.staging = staging;
        this.converter = converter;
        this.chunker = chunker;
        this.events = events;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** The interactive lane: documents of tenants with few in the pipeline, each consumed at once. */
    @KafkaListener(topics = Topics.UPLOADS, groupId = "ingest-worker", concurrency = "${ragstream.ingest.concurrency:2}")
    void onInteractive(DocumentUploaded event) {
        on(event, Topics.Lane.INTERACTIVE);
    }

    /** The bulk lane, by its own consumers: a backlog there never delays the interactive lane. */
    @KafkaListener(topics = Topics.BULK_UPLOADS, groupId = "ingest-worker-bulk",
            concurrency = "${ragstream.ingest.bulk-concurrency:2}")
    void onBulk(DocumentUploaded event) {
        on(event, Topics.Lane.BULK);
    }

    private void on(DocumentUploaded event, Topics.Lane lane) {
        long started = System.nanoTime();
        Tenant tenant = tenants.find(event.tenantId())
                .orElseThrow(() -> new PermanentException("unknown_tenant", "tenant " + event.tenantId() + " does not exist"));
        var state = documents.find(tenant, event.documentId()).orElse(null);
        if (state == null || state.isGone() || state.version() != event.version() || state.status().equals("indexed")) {
            log.info("Skipping upload event of document {}: {}", event.documentId(), state == null ? "no such document" : state.status());
            return;
        }
        String markdown = state.markdown();
        if (markdown == null) {
            documents.advance(tenant, event.documentId(), event.version(), "converting");
            ConvertedDocument converted = convert(tenant, event);
            markdown = converted.markdown();
            if (!documents.storeMarkdown(tenant, event.documentId(), event.version(), markdown, converted.metadata())) {
                deleteStaged(event); // cancelled, deleted or superseded while converting: its bytes are of no use
                return;
            }
        }
        if (!documents.advance(tenant, event.documentId(), event.version(), "chunking")) {
            deleteStaged(event);
            return;
        }
        int maxTokens = tenant.getInt("CHUNK_MAX_TOKENS", properties.maxChunkTokens());
        int overlap = Math.max(0, Math.min(tenant.getInt("CHUNK_OVERLAP_TOKENS", 0), maxTokens / 2));
        List<Chunk> chunks = chunker.chunk(markdown, new Chunker.Budget(maxTokens, overlap));
        if (chunks.isEmpty()) {
            throw new PermanentException("no_extractable_text", "document " + event.documentId() + " has no text to index");
        }
        publish(event, lane, chunks);
        documents.advance(tenant, event.documentId(), event.version(), "embedding");
        deleteStaged(event);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.time("ingest.duration", tenant.id().value(), took);
        metrics.count("ingest.chunks", tenant.id().value(), "outcome", "published");
        log.info("Document {} v{}: {} chars -> {} chunks in {} ms", event.documentId(), event.version(),
                markdown.length(), chunks.size(), took.toMillis());
    }

    private ConvertedDocument convert(Tenant tenant, DocumentUploaded event) {
        if (event.stagedAt() == null) {
            throw new PermanentException("nothing_to_convert", "document " + event.documentId() + " has neither staged bytes nor markdown");
        }
        try (InputStream in = staging.open(event.stagedAt())) {
            return converter.convert(tenant, in, event.filename(), event.contentType());
        } catch (IOException e) {
            throw new PermanentException("staged_file_missing", "staged copy of " + event.documentId() + " is gone", e);
        }
    }

    /** Sends the chunks in as few messages as fit under the message size limit, all carrying the total. */
    private void publish(DocumentUploaded event, Topics.Lane lane, List<Chunk> chunks) {
        long limit = properties.maxMessageBytes().toBytes();
        List<DocumentChunked.Chunk> batch = new ArrayList<>();
        long batchBytes = 0;
        for (Chunk chunk : chunks) {
            long size = 2L * (chunk.text().length() + (chunk.headingPath() == null ? 0 : chunk.headingPath().length())) + 128;
            if (!batch.isEmpty() && batchBytes + size > limit) {
                send(event, lane, chunks.size(), batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(new DocumentChunked.Chunk(chunk.index(), chunk.text(), chunk.headingPath(), chunk.page(), chunk.tokenCount()));
            batchBytes += size;
        }
        send(event, lane, chunks.size(), batch);
    }

    /** Into the embed stage's topic of the same lane. */
    private void send(DocumentUploaded event, Topics.Lane lane, int total, List<DocumentChunked.Chunk> batch) {
        DocumentChunked chunked = new DocumentChunked(UUID.randomUUID(), event.tenantId(), event.documentId(),
                event.version(), total, List.copyOf(batch), Instant.now());
        events.publish(lane.chunks(), event.tenantId(), event.documentId(), chunked.eventId(),
                event.eventId().toString(), chunked);
    }

    private void deleteStaged(DocumentUploaded event) {
        if (event.stagedAt() == null) {
            return;
        }
        try {
            staging.delete(event.stagedAt());
        } catch (IOException e) {
            log.warn("Cannot delete staged copy of {}: {}", event.documentId(), e.toString());
        }
    }
}
