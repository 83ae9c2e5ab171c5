package dev.ragstream.embed.indexing;

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
 */
@Component
class GenerationFiller {

    private static final Logger log = LoggerFactory.getLogger(GenerationFiller.class);
    private static final int BATCH = 64;

    private final TenantRegistry tenants;
    private final EmbeddingModels models;
    private final ChunkWriter writer;
    private final TenantMetrics metrics;
    private final Duration budget;
    private final Duration switchAfter;

    GenerationFiller(TenantRegistry tenants, EmbeddingModels models, ChunkWriter writer, TenantMetrics metrics,
                     @Value("${ragstream.embed.fill-budget:10s}") Duration budget,
                     @Value("${ragstream.embed.switch-after:30s}") Duration switchAfter) {
        this.tenants = tenants;
        this.models = models;
        this.writer = writer;
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

    /** One round for one tenant. */
    void fill(Tenant tenant) {
        EmbeddingSettings configured = EmbeddingSettings.fromTenant(tenant::get);
        List<Generation> generations = writer.generations(tenant);
        if (generations.stream().noneMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
            generations = writer.adopt(tenant, configured, models.forSettings(configured).dimension());
        }
        long deadline = System.nanoTime() + budget.toNanos();
        for (Generation generation : generations) {
            if (!"building".equals(generation.state())) {
                continue;
            }
            EmbeddingModel model = models.forSettings(EmbeddingSettings.forGeneration(generation.provider(), generation.model(),
                    generation.dimensions(), tenant::get));
            List<IndexGenerations.MissingVector> batch = writer.missing(tenant, generation.number(), BATCH);
            while (!batch.isEmpty() && System.nanoTime() < deadline) {
                writer.fill(tenant, generation.number(), batch,
                        model.embedAll(batch.stream().map(IndexGenerations.MissingVector::text).toList()));
                metrics.count("embed.backfill.batches", tenant.id().value(), "generation", String.valueOf(generation.number()));
                batch = writer.missing(tenant, generation.number(), BATCH);
            }
            boolean settled = generation.createdAt().plus(switchAfter).isBefore(Instant.now());
            if (batch.isEmpty() && settled && writer.activateIfComplete(tenant, generation.number())) {
                log.info("Tenant {}: queries now use embedding generation {} ({} {}); the previous one stays until dropped",
                        tenant.id(), generation.number(), generation.provider(), generation.model());
            }
        }
    }
}
