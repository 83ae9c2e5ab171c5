package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.embedding.EmbeddingModel;
import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.MdcRecordInterceptor;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.schemas.DocumentChunked;
import dev.ragstream.schemas.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Embeds the chunks of the messages of one poll together: all texts for one model (of any
 * document, any tenant using it) go to it in one call, which batches them by length, so the model
 * sees full batches however small the documents are. Each tenant's chunks are embedded by the
 * model of each of its embedding generations (its own provider and key). Then each message is
 * written in a transaction of its own, in order; its offset is committed only after that. The
 * messages are embedded a part at a time, and a part is written while the next is embedded, so the
 * cores keep embedding while a write waits for the database. A
 * message that fails is reported by its index: those before it are committed, it is retried or
 * dead-lettered, those after it come again. A redelivered message inserts nothing new.
 *
 * <p>A tenant whose provider limits, fails or times out is never waited for here: its messages'
 * chunks are stored without vectors ({@code embedding_deferred}) and their offsets committed, the
 * tenant waits alone ({@link ProviderBackoff}), and the {@link GenerationFiller} embeds and
 * activates them after the wait. So neither lane slows down for one tenant's provider.
 */
@Component
class DocumentChunkedListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentChunkedListener.class);
    /**
     * Texts per part of a poll: enough for a full batch on each core (the fp32 model's batches hold
     * 32), few enough that most of a poll's writes happen while later parts are embedded.
     */
    static final int PART_TEXTS = 64;

    private final TenantRegistry tenants;
    private final EmbeddingModels models;
    private final ChunkWriter writer;
    private final ProviderBackoff backoff;
    private final TenantMetrics metrics;
    private final JsonMapper json;

    /** ragstream_embed_busy_seconds_total: the stage's busy time over both lanes, each moment once. */
    private final BusyTime busy = new BusyTime();
    /** ragstream_embed_model_busy_seconds_total: time in which some model call was running (remote ones included). */
    private final BusyTime modelBusy = new BusyTime();
    /** Writes a poll's messages, in order, while the listener's thread embeds the next ones. */
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "embed-writes");
        thread.setDaemon(true);
        return thread;
    });

    DocumentChunkedListener(TenantRegistry tenants, EmbeddingModels models, ChunkWriter writer, ProviderBackoff backoff,
                            TenantMetrics metrics, JsonMapper json, MeterRegistry registry) {
        FunctionCounter.builder("ragstream.embed.busy", busy, BusyTime::seconds).baseUnit("seconds")
                .description("Time in which the embed stage was processing chunks, in any lane").register(registry);
        FunctionCounter.builder("ragstream.embed.model.busy", modelBusy, BusyTime::seconds).baseUnit("seconds")
                .description("Time in which an embedding model call was running").register(registry);
        this.tenants = tenants;
        this.models = models;
        this.writer = writer;
        this.backoff = backoff;
        this.metrics = metrics;
        this.json = json;
    }

    /** One message's work: what it needs embedded by which model, the vectors as they come, or why it failed. */
    private static final class Work {
        final ConsumerRecord<String, String> record;
        /** Its place in the poll. */
        final int index;
        DocumentChunked event;
        Tenant tenant;
        List<String> texts;
        final Map<Integer, EmbeddingModel> models = new LinkedHashMap<>();
        final Map<Integer, String> providers = new LinkedHashMap<>();
        final Map<Integer, List<float[]>> vectors = new LinkedHashMap<>();
        long embedNanos;
        RuntimeException failure;
        /** The tenant's provider asked to wait: stored without vectors, embedded later. */
        boolean deferred;

        Work(ConsumerRecord<String, String> record, int index) {
            this.record = record;
            this.index = index;
        }

        boolean ready() {
            return failure == null && texts != null;
        }
    }

    /** The interactive lane: documents of tenants with few in the pipeline (see {@link Topics.Lane}). */
    @KafkaListener(topics = Topics.CHUNKS, groupId = "embed-worker", concurrency = "${ragstream.embed.concurrency:1}",
            batch = "true", properties = "max.poll.records=${ragstream.embed.max-poll-records:16}")
    void onInteractive(List<ConsumerRecord<String, String>> records) {
        on(records);
    }

    /**
     * The bulk lane, by its own consumers: its batches and the interactive lane's are embedded side
     * by side (the model runs concurrent calls), so a backlog here never delays the interactive lane.
     */
    @KafkaListener(topics = Topics.BULK_CHUNKS, groupId = "embed-worker-bulk",
            concurrency = "${ragstream.embed.bulk-concurrency:1}", batch = "true",
            properties = "max.poll.records=${ragstream.embed.max-poll-records:16}")
    void onBulk(List<ConsumerRecord<String, String>> records) {
        on(records);
    }

    private void on(List<ConsumerRecord<String, String>> records) {
        try (BusyTime.Scope inside = busy.enter()) {
            embedAndWrite(records);
        }
    }

    private void embedAndWrite(List<ConsumerRecord<String, String>> records) {
        List<Work> batch = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            Work work = new Work(record, batch.size());
            try (MdcRecordInterceptor.Scope mdc = MdcRecordInterceptor.forRecord(record)) {
                prepare(work);
            } catch (RuntimeException e) {
                work.failure = e;
            }
            batch.add(work);
        }
        // each part is written while the next one is embedded; the writes stay in order and stop at a failure
        CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
        RuntimeException unexpected = null;
        for (List<Work> part : parts(batch)) {
            try {
                embedTogether(part);
            } catch (RuntimeException e) { // not the provider's answer: the poll fails as a whole once the parts before are written
                unexpected = e;
                break;
            }
            written = written.thenRunAsync(() -> part.forEach(this::writeOrFail), writers);
        }
        try {
            written.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
        if (unexpected != null) {
            throw unexpected;
        }
    }

    /** Consecutive messages, each part with at least {@value #PART_TEXTS} texts to embed but the last. */
    private static List<List<Work>> parts(List<Work> batch) {
        List<List<Work>> parts = new ArrayList<>();
        List<Work> part = new ArrayList<>();
        int texts = 0;
        for (Work work : batch) {
            part.add(work);
            texts += work.ready() ? work.texts.size() : 0;
            if (texts >= PART_TEXTS) {
                parts.add(part);
                part = new ArrayList<>();
                texts = 0;
            }
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    /** Stores one message's chunks, or fails with its place in the poll. */
    private void writeOrFail(Work work) {
        try (MdcRecordInterceptor.Scope mdc = MdcRecordInterceptor.forRecord(work.record)) {
            if (work.failure != null) {
                throw work.failure;
            }
            if (work.ready() && work.deferred) {
                defer(work);
            } else if (work.ready()) {
                write(work);
            }
        } catch (RuntimeException e) {
            throw new BatchListenerFailedException("chunks of " + EventPublisher.documentId(work.record) + " failed", e, work.index);
        }
    }

    /** Reads the message and decides what is to be embedded by which model; nothing for a document no longer waiting. */
    private void prepare(Work work) {
        try {
            work.event = json.readValue(work.record.value(), DocumentChunked.class);
        } catch (JacksonException e) {
            throw new PermanentException("malformed_event", "not a DocumentChunked event: " + e.getOriginalMessage(), e);
        }
        DocumentChunked event = work.event;
        Tenant tenant = tenants.find(event.tenantId())
                .orElseThrow(() -> new PermanentException("unknown_tenant", "tenant " + event.tenantId() + " does not exist"));
        work.tenant = tenant;
        if (!writer.wanted(tenant, event)) {
            log.info("Skipping chunks of document {} v{}: deleted, replaced or already indexed", event.documentId(), event.version());
            return;
        }
        EmbeddingSettings configured = configured(tenant);
        List<Generation> generations = writer.generations(tenant);
        if (generations.stream().noneMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
            generations = writer.adopt(tenant, configured, dimension(configured));
        }
        for (Generation generation : generations) {
            work.models.put(generation.number(), model(tenant, generation));
            work.providers.put(generation.number(), generation.provider());
        }
        work.texts = event.chunks().stream().map(c -> IndexGenerations.embeddedText(c.headingPath(), c.text())).toList();
    }

    /** One call per model for the texts of every message that needs it; a model's failure is the failure of each of them. */
    private void embedTogether(List<Work> batch) {
        Map<EmbeddingModel, List<Map.Entry<Work, Integer>>> byModel = new IdentityHashMap<>();
        for (Work work : batch) {
            if (work.ready() && backoff.waiting(work.tenant.id().value())) {
                work.deferred = true; // its provider is not called while it asked to wait
            } else if (work.ready()) {
                work.models.forEach((generation, model) ->
                        byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(Map.entry(work, generation)));
            }
        }
        byModel.forEach((model, uses) -> {
            List<String> texts = new ArrayList<>();
            uses.forEach(use -> texts.addAll(use.getKey().texts));
            long started = System.nanoTime();
            List<float[]> vectors;
            try (BusyTime.Scope calling = modelBusy.enter()) {
                vectors = model.embedAll(texts);
            } catch (EmbeddingException e) {
                if (e.retryable()) { // limited, down or slow: these tenants wait, the lanes go on
                    uses.forEach(use -> use.getKey().deferred = true);
                    uses.stream().map(use -> use.getKey().tenant.id().value()).distinct().forEach(tenant ->
                            log.warn("Tenant {}: its embedding provider asks to wait ({}); its chunks are deferred for {} ms",
                                    tenant, e.getMessage(), backoff.failed(tenant, e.retryAfter()).toMillis()));
                } else {
                    RuntimeException failure = failure(e);
                    uses.forEach(use -> use.getKey().failure = failure);
                }
                return;
            }
            uses.stream().map(use -> use.getKey().tenant.id().value()).distinct().forEach(backoff::succeeded);
            long nanos = System.nanoTime() - started;
            int from = 0;
            for (Map.Entry<Work, Integer> use : uses) {
                Work work = use.getKey();
                int count = work.texts.size();
                work.vectors.put(use.getValue(), vectors.subList(from, from + count));
                from += count;
                long share = texts.isEmpty() ? 0 : nanos * count / texts.size(); // the call's time, shared by text count
                work.embedNanos += share;
                metrics.time("embed.model.duration", work.tenant.id().value(), Duration.ofNanos(share), "provider",
                        work.providers.get(use.getValue()));
            }
            uses.stream().map(use -> use.getKey().tenant.id().value()).distinct()
                    .forEach(tenant -> metrics.size("embed.batch.size", tenant, texts.size())); // the call each tenant was in
        });
    }

    @PreDestroy
    void stopWrites() {
        writers.shutdown();
    }

    /** Stores the chunks without vectors; the {@link GenerationFiller} embeds them once the tenant's wait is over. */
    private void defer(Work work) {
        ChunkWriter.Written written = writer.defer(work.tenant, work.event);
        metrics.add("embed.deferred.chunks", work.tenant.id().value(), written.inserted());
        log.info("Document {} v{}: {} chunks stored, their embedding deferred", work.event.documentId(), work.event.version(),
                written.inserted());
    }

    private void write(Work work) {
        long started = System.nanoTime();
        DocumentChunked event = work.event;
        String tenant = work.tenant.id().value();
        ChunkWriter.Written written = writer.write(work.tenant, event, work.vectors);
        Duration took = Duration.ofNanos(work.embedNanos + System.nanoTime() - started);
        metrics.time("embed.duration", tenant, took);
        metrics.add("embed.chunks", tenant, written.inserted());
        metrics.add("embed.tokens", tenant, event.chunks().stream().mapToInt(DocumentChunked.Chunk::tokenCount).sum());
        log.info("Document {} v{}: embedded {} chunks ({} new, {}/{} stored){} in {} ms", event.documentId(), event.version(),
                event.chunks().size(), written.inserted(), written.stored(), event.totalChunks(),
                written.activated() ? ", indexed" : "", took.toMillis());
        if (written.activated()) {
            metrics.count("documents.indexed", tenant);
            metrics.time("documents.time.to.searchable", tenant, written.queuedFor());
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
            return models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(),
                    generation.dimensions(), tenant::get));
        } catch (IllegalArgumentException e) {
            throw new PermanentException("embedding_misconfigured", "tenant " + tenant.id() + ": " + e.getMessage(), e);
        }
    }

    /** A provider that is down or limiting is retried with backoff (then dead-lettered); one that refuses the input is not. */
    private static RuntimeException failure(EmbeddingException e) {
        return e.retryable() ? new RetryableException(e.getMessage(), e) : new PermanentException("embedding_rejected", e.getMessage(), e);
    }
}
