package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.EmbeddingSettings;
import dev.ragstream.embedding.IndexGenerations;
import dev.ragstream.embedding.IndexGenerations.Generation;
import dev.ragstream.embedding.PgVectorLiteral;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.schemas.DocumentChunked;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
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

    /** The outcome of writing one message. */
    record Written(int inserted, int stored, boolean activated) {
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

    /** The generations the tenant's vectors go to: the active one first, then any being built. */
    List<Generation> generations(Tenant tenant) {
        return run(tenant, IndexGenerations::live);
    }

    /**
     * For a tenant whose configured model has no live generation: while its index is still empty,
     * a new generation of that model, active at once (nothing needs re-embedding); else the live
     * generations as they are.
     * @param dimension the configured model's vector length
     * @return the generations the tenant's vectors go to now
     */
    List<Generation> adoptIfEmpty(Tenant tenant, EmbeddingSettings configured, int dimension) {
        return run(tenant, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(hashtextextended('embedding_generations', 0))");
                try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM chunk_vectors)")) {
                    rs.next();
                    List<Generation> live = IndexGenerations.live(c);
                    if (rs.getBoolean(1) || live.stream().anyMatch(g -> configured.madeThis(g.provider(), g.model(), g.dimensions()))) {
                        return live; // a filled index changes its model through a new generation, backfilled
                    }
                }
            }
            Generation fresh = IndexGenerations.create(c, configured.provider(), configured.modelName(), configured.dimensions(),
                    dimension);
            IndexGenerations.activate(c, fresh.number());
            log.info("Tenant {}: empty index now on embedding generation {} ({} {}, {} dimensions)", tenant.id(),
                    fresh.number(), configured.provider(), configured.modelName(), dimension);
            return List.of(fresh);
        });
    }

    /**
     * Writes the chunks with their vectors (per generation, in chunk order), activating the version
     * when all chunks are in. Vectors of a generation that is gone meanwhile are dropped.
     */
    Written write(Tenant tenant, DocumentChunked event, Map<Integer, List<float[]>> vectors) {
        return run(tenant, c -> {
            if (!lockCurrentVersion(c, event)) {
                return new Written(0, 0, false);
            }
            int before = count(c, event);
            insert(c, event);
            for (Map.Entry<Integer, List<float[]>> generation : vectors.entrySet()) {
                insertVectors(c, event, generation.getKey(), generation.getValue());
            }
            int stored = count(c, event);
            int inserted = stored - before;
            boolean activated = stored >= event.totalChunks() && activate(c, event, stored);
            return new Written(inserted, stored, activated);
        });
    }

    /** Locks the document row; false when the event's version is no longer the one to index. */
    private static boolean lockCurrentVersion(Connection c, DocumentChunked event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM documents WHERE id = ? AND version = ? AND status IN ('chunking', 'embedding') FOR UPDATE")) {
            ps.setObject(1, event.documentId());
            ps.setInt(2, event.version());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insert(Connection c, DocumentChunked event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO chunks (document_id, version, chunk_index, content, heading_path, page, token_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (document_id, version, chunk_index) DO NOTHING""")) {
            for (DocumentChunked.Chunk chunk : event.chunks()) {
                ps.setObject(1, event.documentId());
                ps.setInt(2, event.version());
                ps.setInt(3, chunk.index());
                ps.setString(4, chunk.text());
                ps.setString(5, chunk.headingPath());
                ps.setObject(6, chunk.page());
                ps.setInt(7, chunk.tokenCount());
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
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM chunks WHERE document_id = ? AND version = ?")) {
            ps.setObject(1, event.documentId());
            ps.setInt(2, event.version());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean activate(Connection c, DocumentChunked event, int stored) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE documents SET status = 'indexed', reason = NULL, active_version = ?, chunk_count = ?,
                                     indexed_at = now(), updated_at = now()
                WHERE id = ? AND version = ?""")) {
            ps.setInt(1, event.version());
            ps.setInt(2, stored);
            ps.setObject(3, event.documentId());
            ps.setInt(4, event.version());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM chunks WHERE document_id = ? AND version <> ?")) {
            ps.setObject(1, event.documentId());
            ps.setInt(2, event.version());
            ps.executeUpdate();
        }
        return true;
    }

    private <T> T run(Tenant tenant, TenantDataSources.TransactionWork<T> work) {
        try {
            return dataSources.inTransaction(tenant, work);
        } catch (SQLException e) {
            throw new RetryableException("tenant " + tenant.id() + ": database write failed: " + e.getMessage(), e);
        }
    }
}
