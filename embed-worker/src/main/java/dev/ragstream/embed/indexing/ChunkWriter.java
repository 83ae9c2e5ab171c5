package dev.ragstream.embed.indexing;

import dev.ragstream.embedding.PgVectorLiteral;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.schemas.DocumentChunked;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Writes chunks and their vectors into a tenant's ragdb. One transaction per message: the chunks
 * (idempotent on document, version and index) and, when the version is complete, its activation —
 * status {@code indexed}, the old version's chunks removed — together.
 */
@Component
class ChunkWriter {

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

    /** Writes the chunks with their vectors (same order), activating the version when all chunks are in. */
    Written write(Tenant tenant, DocumentChunked event, List<float[]> vectors) {
        return run(tenant, c -> {
            if (!lockCurrentVersion(c, event)) {
                return new Written(0, 0, false);
            }
            int before = count(c, event);
            insert(c, event, vectors);
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

    private static void insert(Connection c, DocumentChunked event, List<float[]> vectors) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO chunks (document_id, version, chunk_index, content, heading_path, page, token_count, embedding)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::vector)
                ON CONFLICT (document_id, version, chunk_index) DO NOTHING""")) {
            for (int i = 0; i < event.chunks().size(); i++) {
                DocumentChunked.Chunk chunk = event.chunks().get(i);
                ps.setObject(1, event.documentId());
                ps.setInt(2, event.version());
                ps.setInt(3, chunk.index());
                ps.setString(4, chunk.text());
                ps.setString(5, chunk.headingPath());
                ps.setObject(6, chunk.page());
                ps.setInt(7, chunk.tokenCount());
                ps.setString(8, PgVectorLiteral.of(vectors.get(i)));
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
