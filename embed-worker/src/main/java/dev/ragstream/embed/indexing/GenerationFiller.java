package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingException;
import dev.ragstream.embedding.EmbeddingModel;
import dev.ragstream.embedding.EmbeddingModels;
import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Changes a tenant's embedding model without downtime. When a tenant's settings name a model its
 * index has no generation of, a new generation begins beside the active one (new chunks get
 * vectors of both from then on); this fills in the vectors of the chunks from before, from their
 * stored text, in batches, while queries keep using the active generation; once every chunk has
 * one, queries switch to the new generation in one transaction. The old generation stays, and
 * keeps receiving vectors, so that the switch can be rolled back until an operator drops it.
 * Every {@code ragstream.embed.fill-interval}, each tenant at most {@code fill-budget} per round.
 * A generation is switched to no sooner than {@code switch-after} (30 s) after it began: every
 * replica of every service has read the tenant's new settings (its key for the new model) by then.
 *
 * <p>It also finishes the documents whose embedding was deferred (their tenant's provider asked the
 * embed worker to wait, see {@link ProviderBackoff}): once the wait is over, their chunks get their
 * vectors of every generation, and each document whose chunks are all in is activated.
 */
@Component
class GenerationFiller {

    private static final Logger log = LoggerFactory.getLogger(GenerationFiller.class);
    private static final int BATCH = 64;
    /** Vectors of an active generation at which its index is built even while the tenant's load goes on. */
    static final int INDEX_AT = 50_000;

    private final TenantRegistry tenants;
    private final EmbeddingModels models;
    private final ChunkWriter writer;
    private final ProviderBackoff backoff;
    private final TenantMetrics metrics;
    private final Duration budget;
    private final Duration switchAfter;
    private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "index-builds");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> building = ConcurrentHashMap.newKeySet();

    GenerationFiller(TenantRegistry tenants, EmbeddingModels models, ChunkWriter writer, ProviderBackoff backoff,
                     TenantMetrics metrics,
                     @Value("${ragstream.embed.fill-budget:10s}") Duration budget,
                     @Value("${ragstream.embed.switch-after:30s}") Duration switchAfter) {
        this.tenants = tenants;
        this.models = models;
        this.writer = writer;
        this.backoff = backoff;
        this.metrics = metrics;
        this.budget = budget;
        this.switchAfter = switchAfter;
    }

    @Scheduled(fixedDelayString = "${ragstream.embed.fill-interval:5s}", initialDelayString = "${ragstream.embed.fill-interval:5s}")
    void fillAll() {
        for (Tenant tenant : tenants.all()) {
            try {
                fill(tenant);
            } catch (RuntimeException e) { // the next round tries again; other tenants go on
                log.warn("Tenant {}: cannot fill its embedding generations now: {}", tenant.id(), e.getMessage());
            }
        }
    }

    /** One round for one tenant: its deferred chunks first, then the generations being built. */
    void fill(Tenant tenant) {
        if (backoff.waiting(tenant.id().value())) {
            return;
        }
        EmbeddingSettings configured = EmbeddingSettings.fromTenant(tenant::get);
        List<Generation> generations = writer.generations(tenant);
        if (generations.stream().noneMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
            generations = writer.adopt(tenant, configured, models.forSettings(configured).dimension());
        }
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            for (Generation generation : generations) {
                fillUntil(tenant, generation, deadline, limit -> writer.deferredMissing(tenant, generation.number(), limit));
            }
            backoff.succeeded(tenant.id().value());
            for (Duration queuedFor : writer.activateDeferred(tenant)) {
                metrics.count("documents.indexed", tenant.id().value());
                metrics.time("documents.time.to.searchable", tenant.id().value(), queuedFor);
            }
            for (Generation generation : generations) {
                if (generation.active()) {
                    indexWhenLoaded(tenant, generation);
                }
                if (!"building".equals(generation.state())) {
                    continue;
                }
                boolean complete = fillUntil(tenant, generation, deadline,
                        limit -> writer.missing(tenant, generation.number(), limit));
                boolean settled = generation.createdAt().plus(switchAfter).isBefore(Instant.now());
                if (complete && settled && indexed(tenant, generation)
                        && writer.activateIfComplete(tenant, generation.number())) {
                    log.info("Tenant {}: queries now use embedding generation {} ({} {}); the previous one stays until dropped",
                            tenant.id(), generation.number(), generation.provider(), generation.model());
                }
            }
        } catch (EmbeddingException e) {
            if (!e.retryable()) {
                throw e;
            }
            log.warn("Tenant {}: its embedding provider asks to wait ({}); next try in {} ms", tenant.id(), e.getMessage(),
                    backoff.failed(tenant.id().value(), e.retryAfter()).toMillis());
        }
    }

    /**
     * The bulk path of the active generation: it begins without an HNSW index (queries scan its
     * vectors exactly meanwhile, which is quick while there are few), and the index is built in one
     * go once the tenant's load is over — nothing left in the pipeline — or once the generation
     * holds {@value #INDEX_AT} vectors, whichever comes first.
     */
    private void indexWhenLoaded(Tenant tenant, Generation generation) {
        if (writer.indexState(tenant, generation.number()) == IndexGenerations.IndexState.READY) {
            return;
        }
        long[] load = writer.load(tenant, generation.number());
        if (load[1] > 0 && (load[0] == 0 || load[1] >= INDEX_AT)) {
            indexed(tenant, generation);
        }
    }

    /** True when the generation's index is ready; else its build is started (one at a time per worker, in the background). */
    private boolean indexed(Tenant tenant, Generation generation) {
        if (writer.indexState(tenant, generation.number()) == IndexGenerations.IndexState.READY) {
            return true;
        }
        String key = tenant.id().value() + "/" + generation.number();
        if (building.add(key)) {
            builds.execute(() -> {
                long started = System.nanoTime();
                try {
                    if (writer.buildIndex(tenant, generation) == IndexGenerations.IndexState.READY) {
                        metrics.count("embed.index.builds", tenant.id().value(), "outcome", "built");
                        log.info("Tenant {}: the HNSW index of embedding generation {} is built ({} ms)", tenant.id(),
                                generation.number(), (System.nanoTime() - started) / 1_000_000);
                    } // else another replica is building it
                } catch (RuntimeException e) { // the next round starts it over
                    metrics.count("embed.index.builds", tenant.id().value(), "outcome", "failed");
                    log.warn("Tenant {}: building the index of embedding generation {} failed: {}", tenant.id(),
                            generation.number(), e.getMessage());
                } finally {
                    building.remove(key);
                }
            });
        }
        return false;
    }

    @PreDestroy
    void stopBuilds() {
        builds.shutdownNow(); // a build cut short leaves an invalid index, which the next build replaces
    }

    /**
     * Embeds and stores batches of {@code missing} chunks of one generation until none is left or
     * the round's time is up.
     * @return true when none is left
     */
    private boolean fillUntil(Tenant tenant, Generation generation, long deadline,
                              IntFunction<List<IndexGenerations.MissingVector>> missing) {
        List<IndexGenerations.MissingVector> batch = missing.apply(BATCH);
        if (batch.isEmpty()) {
            return true;
        }
        EmbeddingModel model = models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(),
                generation.dimensions(), tenant::get));
        while (!batch.isEmpty() && System.nanoTime() < deadline) {
            writer.fill(tenant, generation.number(), batch,
                    model.embedAll(batch.stream().map(IndexGenerations.MissingVector::text).toList()));
            metrics.count("embed.backfill.batches", tenant.id().value(), "generation", String.valueOf(generation.number()));
            batch = missing.apply(BATCH);
        }
        return batch.isEmpty();
    }
}
