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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    private final TenantRegistry tenants;
    private final EmbeddingModels models;
    private final ChunkWriter writer;
    private final ProviderBackoff backoff;
    private final TenantMetrics metrics;
    private final Duration budget;
    private final Duration switchAfter;

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
                if (!"building".equals(generation.state())) {
                    continue;
                }
                boolean complete = fillUntil(tenant, generation, deadline,
                        limit -> writer.missing(tenant, generation.number(), limit));
                boolean settled = generation.createdAt().plus(switchAfter).isBefore(Instant.now());
                if (complete && settled && writer.activateIfComplete(tenant, generation.number())) {
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
