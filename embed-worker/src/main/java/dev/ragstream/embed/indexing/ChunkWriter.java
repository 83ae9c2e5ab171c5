package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.embedding.PgVectorLiteral;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.index.TextSearchLanguage;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.DocumentQueue;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.schemas.DocumentChunked;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes chunks and their vectors into a tenant's ragdb. One transaction per message: the chunks
 * and their vectors of every live embedding generation (idempotent on generation, document,
 * version and index) and, when the version is complete, its activation — status {@code indexed},
 * the old version's chunks (and so their vectors) removed — together.
 */
@Component
class ChunkWriter {

    private static final Logger log = LoggerFactory.getLogger(ChunkWriter.class);

    /**
     * The outcome of writing one message.
     * @param queuedFor when the version was activated: how long since it was queued (upload, reindex); else null
     */
    record Written(int inserted, int stored, boolean activated, Duration queuedFor) {
    }

    private final TenantDataSources dataSources;

    ChunkWriter(TenantDataSources dataSources) {
        this.dataSources = dataSources;
    }

    /** True while the event's version of the document still waits for its chunks (not deleted, replaced or done). */
    boolean wanted(Tenant tenant, DocumentChunked event) {
        return run(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM documents WHERE id = ? AND version = ? AND status IN ('chunking', 'embedding')")) {
                ps.setObject(1, event.documentId());
                ps.setInt(2, event.version());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The generations the tenant's vectors go to: all of them, the active one first. */
    List<Generation> generations(Tenant tenant) {
        return run(tenant, IndexGenerations::live);
    }

    /**
     * Starts a generation for a tenant's configured model when it has none: while the tenant's
     * index is empty, one that is active at once (the empty ones go: nothing needs re-embedding);
     * else one that is building, filled by the {@link GenerationFiller} and then switched to.
     * @param dimension the configured model's vector length
     * @return the generations the tenant's vectors go to now
     */
    List<Generation> adopt(Tenant tenant, EmbeddingSettings configured, int dimension) {
        return run(tenant, c -> {
            IndexGenerations.lock(c, true);
            boolean empty;
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM chunk_vectors)")) {
                    rs.next();
                    empty = rs.getBoolean(1);
                }
            }
            List<Generation> live = IndexGenerations.live(c);
            if (live.stream().anyMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
                return live; // another worker was first
            }
            Generation fresh = IndexGenerations.create(c, configured.provider(), configured.modelName(),
                    configured.dimensions(), dimension);
            if (empty) {
                IndexGenerations.activate(c, fresh.number());
                for (Generation old : live) {
                    IndexGenerations.drop(c, old.number());
                }
            }
            log.info("Tenant {}: embedding generation {} ({} {}, {} dimensions) {}", tenant.id(), fresh.number(),
                    configured.provider(), configured.modelName(), dimension,
                    empty ? "is active: the index was empty" : "is being built beside the active one");
            return IndexGenerations.live(c);
        });
    }

    /**
     * Writes the chunks with their vectors (per generation, in chunk order), activating the version
     * when all chunks are in. Vectors of a generation that is gone meanwhile are dropped.
     */
    Written write(Tenant tenant, DocumentChunked event, Map<Integer, List<float[]>> vectors) {
        return run(tenant, c -> {
            IndexGenerations.lock(c, false);
            if (!IndexGenerations.live(c).stream().map(Generation::number).collect(Collectors.toSet()).equals(vectors.keySet())) {
                // a generation began meanwhile: its backfill may have passed these chunks already
                throw new RetryableException("tenant " + tenant.id() + ": embedding generations changed while embedding", null);
            }
            if (!lockCurrentVersion(c, event)) {
                return new Written(0, 0, false, null);
            }
            int before = count(c, event);
            insert(c, event, TextSearchLanguage.of(tenant));
            for (Map.Entry<Integer, List<float[]>> generation : vectors.entrySet()) {
                insertVectors(c, event, generation.getKey(), generation.getValue());
            }
            int stored = count(c, event);
            // complete: every chunk, and each with its vectors (an earlier message may have been deferred)
            Duration queuedFor = stored >= event.totalChunks() && !anyVectorMissing(c, event.documentId(), event.version())
                    ? activate(c, event.documentId(), event.version(), stored) : null;
            return new Written(stored - before, stored, queuedFor != null, queuedFor);
        });
    }

    /**
     * Stores the chunks without vectors — the tenant's provider asked to wait — and marks the
     * document {@code embedding_deferred}; {@link #deferredMissing} and {@link #activateDeferred}
     * finish it later. Nothing happens to a version no longer wanted.
     */
    Written defer(Tenant tenant, DocumentChunked event) {
        return run(tenant, c -> {
            if (!lockCurrentVersion(c, event)) {
                return new Written(0, 0, false, null);
            }
            int before = count(c, event);
            insert(c, event, TextSearchLanguage.of(tenant));
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE documents SET reason = 'embedding_deferred', updated_at = now() WHERE id = ? AND version = ?")) {
                ps.setObject(1, event.documentId());
                ps.setInt(2, event.version());
                ps.executeUpdate();
            }
            int stored = count(c, event);
            return new Written(stored - before, stored, false, null);
        });
    }

    /** Chunks of deferred documents still missing a vector in {@code generation}, up to {@code limit}. */
    List<IndexGenerations.MissingVector> deferredMissing(Tenant tenant, int generation, int limit) {
        return run(tenant, c -> IndexGenerations.missing(c, generation, limit, true));
    }

    /**
     * Activates each deferred document whose chunks and vectors are all in now, each in a
     * transaction of its own.
     * @return how long each activated one had been queued
     */
    List<Duration> activateDeferred(Tenant tenant) {
        List<UUID> candidates = run(tenant, c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT d.id FROM documents d
                    WHERE d.status = 'embedding' AND d.reason = 'embedding_deferred' AND d.total_chunks IS NOT NULL
                      AND (SELECT count(*) FROM chunks c WHERE c.document_id = d.id AND c.version = d.version) >= d.total_chunks""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        });
        List<Duration> activated = new ArrayList<>();
        for (UUID id : candidates) {
            Duration queuedFor = run(tenant, c -> {
                IndexGenerations.lock(c, false);
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT version, total_chunks FROM documents
                        WHERE id = ? AND status = 'embedding' AND reason = 'embedding_deferred' FOR UPDATE""")) {
                    ps.setObject(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return null;
                        }
                        int version = rs.getInt(1);
                        int stored = count(c, id, version);
                        return stored >= rs.getInt(2) && !anyVectorMissing(c, id, version) ? activate(c, id, version, stored) : null;
                    }
                }
            });
            if (queuedFor != null) {
                activated.add(queuedFor);
            }
        }
        return activated;
    }

    /** Chunks missing a vector in {@code generation}, up to {@code limit}. */
    List<IndexGenerations.MissingVector> missing(Tenant tenant, int generation, int limit) {
        return run(tenant, c -> IndexGenerations.missing(c, generation, limit));
    }

    /** Stores backfilled vectors of {@code generation} (if it still exists); chunks gone meanwhile are skipped. */
    void fill(Tenant tenant, int generation, List<IndexGenerations.MissingVector> chunks, List<float[]> vectors) {
        run(tenant, c -> {
            IndexGenerations.lock(c, false);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding)
                    SELECT g.generation, c.document_id, c.version, c.chunk_index, ?::vector
                    FROM embedding_generations g JOIN chunks c ON c.document_id = ? AND c.version = ? AND c.chunk_index = ?
                    WHERE g.generation = ?
                    ON CONFLICT (generation, document_id, version, chunk_index) DO NOTHING""")) {
                for (int i = 0; i < chunks.size(); i++) {
                    IndexGenerations.MissingVector chunk = chunks.get(i);
                    ps.setString(1, PgVectorLiteral.of(vectors.get(i)));
                    ps.setObject(2, chunk.documentId());
                    ps.setInt(3, chunk.version());
                    ps.setInt(4, chunk.chunkIndex());
                    ps.setInt(5, generation);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    IndexGenerations.IndexState indexState(Tenant tenant, int generation) {
        return run(tenant, c -> IndexGenerations.indexState(c, generation));
    }

    /** Documents of the tenant in the pipeline and vectors of {@code generation}: whether a load is still going on, and how large it is. */
    long[] load(Tenant tenant, int generation) {
        return run(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM chunk_vectors WHERE generation = ?")) {
                ps.setInt(1, generation);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] {DocumentQueue.inFlight(c), rs.getLong(1)};
                }
            }
        });
    }

    /** Builds the generation's HNSW index (see {@link IndexGenerations#buildIndex}); blocks until it is ready. */
    IndexGenerations.IndexState buildIndex(Tenant tenant, Generation generation) {
        try (Connection c = dataSources.dataSource(tenant).getConnection()) {
            return IndexGenerations.buildIndex(c, generation);
        } catch (SQLException e) {
            throw new RetryableException("tenant " + tenant.id() + ": building the index of embedding generation "
                    + generation.number() + " failed: " + e.getMessage(), e);
        }
    }

    /** Switches queries to a building generation once every chunk has its vector; false while some are missing. */
    boolean activateIfComplete(Tenant tenant, int generation) {
        return run(tenant, c -> {
            IndexGenerations.lock(c, true);
            if (!IndexGenerations.missing(c, generation, 1).isEmpty()) {
                return false;
            }
            IndexGenerations.activate(c, generation);
            return true;
        });
    }

    /**
     * Locks the document row and records the version's chunk total; false when the event's version
     * is no longer the one to index.
     */
    private static boolean lockCurrentVersion(Connection c, DocumentChunked event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE documents SET total_chunks = ?
                WHERE id = ? AND version = ? AND status IN ('chunking', 'embedding')""")) {
            ps.setInt(1, event.totalChunks());
            ps.setObject(2, event.documentId());
            ps.setInt(3, event.version());
            return ps.executeUpdate() > 0;
        }
    }

    /** True when a chunk of the version lacks a vector in some live generation. */
    private static boolean anyVectorMissing(Connection c, UUID documentId, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM chunks c CROSS JOIN embedding_generations g
                               WHERE c.document_id = ? AND c.version = ?
                                 AND NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.generation = g.generation
                                                 AND v.document_id = c.document_id AND v.version = c.version
                                                 AND v.chunk_index = c.chunk_index))""")) {
            ps.setObject(1, documentId);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** @param language the text-search configuration the chunks are indexed with */
    private static void insert(Connection c, DocumentChunked event, String language) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO chunks (document_id, version, chunk_index, content, heading_path, page, token_count, ts_config)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::regconfig)
                ON CONFLICT (document_id, version, chunk_index) DO NOTHING""")) {
            for (DocumentChunked.Chunk chunk : event.chunks()) {
                ps.setObject(1, event.documentId());
                ps.setInt(2, event.version());
                ps.setInt(3, chunk.index());
                ps.setString(4, chunk.text());
                ps.setString(5, chunk.headingPath());
                ps.setObject(6, chunk.page());
                ps.setInt(7, chunk.tokenCount());
                ps.setString(8, language);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertVectors(Connection c, DocumentChunked event, int generation, List<float[]> vectors)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding)
                SELECT ?, ?, ?, ?, ?::vector WHERE EXISTS (SELECT 1 FROM embedding_generations WHERE generation = ?)
                ON CONFLICT (generation, document_id, version, chunk_index) DO NOTHING""")) {
            for (int i = 0; i < event.chunks().size(); i++) {
                ps.setInt(1, generation);
                ps.setObject(2, event.documentId());
                ps.setInt(3, event.version());
                ps.setInt(4, event.chunks().get(i).index());
                ps.setString(5, PgVectorLiteral.of(vectors.get(i)));
                ps.setInt(6, generation);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int count(Connection c, DocumentChunked event) throws SQLException {
        return count(c, event.documentId(), event.version());
    }

    private static int count(Connection c, UUID documentId, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM chunks WHERE document_id = ? AND version = ?")) {
            ps.setObject(1, documentId);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** @return how long ago the version was queued */
    private static Duration activate(Connection c, UUID documentId, int version, int stored) throws SQLException {
        Duration queuedFor;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE documents SET status = 'indexed', reason = NULL, active_version = ?, chunk_count = ?,
                                     indexed_at = clock_timestamp(), updated_at = now()
                WHERE id = ? AND version = ?
                RETURNING (extract(epoch FROM indexed_at - coalesce(queued_at, created_at)) * 1000)::bigint""")) {
            ps.setInt(1, version);
            ps.setInt(2, stored);
            ps.setObject(3, documentId);
            ps.setInt(4, version);
            try (ResultSet rs = ps.executeQuery()) {
                queuedFor = rs.next() ? Duration.ofMillis(Math.max(0, rs.getLong(1))) : Duration.ZERO;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM chunks WHERE document_id = ? AND version <> ?")) {
            ps.setObject(1, documentId);
            ps.setInt(2, version);
            ps.executeUpdate();
        }
        return queuedFor;
    }

    private <T> T run(Tenant tenant, TenantDataSources.TransactionWork<T> work) {
        try {
            return dataSources.inTransaction(tenant, work);
        } catch (SQLException e) {
            throw new RetryableException("tenant " + tenant.id() + ": database write failed: " + e.getMessage(), e);
        }
    }
}
