package dev.ragstream.gateway.upload;

import dev.ragstream.platform.tenant.DocumentQueue;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.tenant.TenantId;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's reads and writes of a tenant's {@code documents} table. */
@Component
class DocumentRows {

    private static final Duration QUEUE_LEVEL_MAX_AGE = Duration.ofSeconds(1);
    /**
     * How long recording an upload, whose bytes are staged by then, waits for a busy pool: a burst of
     * uploads on two busy cores held the connections long enough for 1 s to pass (bench gateway: 503s
     * at the start of a round of 32 clients), and a refused upload must be sent again whole.
     */
    private static final Duration RECORD_PATIENCE = Duration.ofSeconds(10);

    private final TenantDataSources dataSources;
    private final Map<TenantId, QueueLevel> queueLevels = new ConcurrentHashMap<>();
    /** Tenants whose documents in flight one caller is counting now: the others go on with the level they have. */
    private final Set<TenantId> counting = ConcurrentHashMap.newKeySet();

    /** A tenant's documents in flight as counted at {@code countedAt} (nano time), plus what was reserved since. */
    private record QueueLevel(int inFlight, long countedAt) {
        boolean fresh() {
            return System.nanoTime() - countedAt < QUEUE_LEVEL_MAX_AGE.toNanos();
        }
    }

    DocumentRows(TenantDataSources dataSources) {
        this.dataSources = dataSources;
    }

    /**
     * What became of one staged file.
     * @param documentId the document it is (new, a new version of an existing one, or the duplicate's original)
     * @param version    the version to index, 0 for a duplicate
     * @param status     {@code queued}, or the original's status for a duplicate
     */
    record Recorded(UploadIntake.Staged file, UUID documentId, int version, boolean duplicate, String status) {
    }

    /**
     * The files of one request as recorded.
     * @param inFlightBefore the tenant's documents in the pipeline before these, as {@link #reserve} knows them
     */
    record Recording(List<Recorded> documents, int inFlightBefore) {
    }

    /**
     * Records the files of one job, all or none; the queued rows are the outbox of the upload
     * events. Each file is one call of the database's {@code record_upload} (see its migration):
     * bytes the tenant already has (same SHA-256, not deleted or failed) are a duplicate and change
     * nothing; a file named like an existing document (an upload of the same file name, or a URL
     * import of the same URL) becomes that document's next version, whose current version keeps
     * answering until the new one is indexed; identical contents and names are serialised across
     * concurrent uploads. A single file is one round trip (its statement is its transaction),
     * several share one transaction.
     * @throws QueueFullException when more than {@code quota} documents would then be waiting
     */
    Recording record(Tenant tenant, UUID jobId, List<UploadIntake.Staged> files, DocumentLabels labels, Instant acceptedAt,
                     int quota)
            throws SQLException, QueueFullException {
        TenantDataSources.TransactionWork<Recording> work = c -> {
            int inFlight = reserve(tenant, c, files.size(), quota);
            List<Recorded> recorded = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT document_id, version, duplicate, status"
                    + " FROM record_upload(?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
                for (UploadIntake.Staged file : files) {
                    recorded.add(record(ps, jobId, file, labels, acceptedAt));
                }
            }
            return new Recording(recorded, inFlight);
        };
        return files.size() == 1 ? dataSources.withConnection(tenant, RECORD_PATIENCE, work)
                : dataSources.inTransaction(tenant, RECORD_PATIENCE, work);
    }

    private static Recorded record(PreparedStatement ps, UUID jobId, UploadIntake.Staged file, DocumentLabels labels,
                                   Instant acceptedAt) throws SQLException {
        boolean fromUrl = file.sourceUrl() != null;
        ps.setObject(1, file.documentId());
        ps.setObject(2, jobId);
        ps.setString(3, file.filename());
        ps.setString(4, file.contentType());
        ps.setLong(5, file.staged().sizeBytes());
        ps.setString(6, file.staged().sha256());
        ps.setString(7, fromUrl ? "url" : "upload");
        ps.setString(8, fromUrl ? file.sourceUrl().toString() : file.filename());
        ps.setString(9, JsonMapper.shared().writeValueAsString(labels.metadata(file)));
        ps.setString(10, file.staged().reference().toString());
        ps.setTimestamp(11, Timestamp.from(acceptedAt));
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Recorded(file, rs.getObject(1, UUID.class), rs.getInt(2), rs.getBoolean(3), rs.getString(4));
        }
    }

    /**
     * Reserves room for {@code adding} documents in the tenant's queue and returns the number in
     * flight before them. This gateway keeps each tenant's level: counted in the database at most
     * {@link #QUEUE_LEVEL_MAX_AGE} ago, plus what it reserved since. While that level leaves room,
     * the reservation (atomic, so this gateway's concurrent uploads never overshoot the quota) costs
     * no query; otherwise {@code c} counts, so a refusal always rests on a fresh count. While another
     * upload counts, a stale level that leaves room is used as it is: a burst of uploads makes one
     * count a second rather than one each. Replicas see each other's uploads within the max age (and
     * the time of a count) — the same slack as two transactions counting at once.
     * @throws QueueFullException when the fresh count leaves no room
     */
    private int reserve(Tenant tenant, Connection c, int adding, int quota) throws SQLException {
        boolean counter = counting.add(tenant.id());
        try {
            int[] before = {-1};
            queueLevels.computeIfPresent(tenant.id(), (id, level) -> {
                if ((!level.fresh() && counter) || level.inFlight() + adding > quota) {
                    return level;
                }
                before[0] = level.inFlight();
                return new QueueLevel(level.inFlight() + adding, level.countedAt());
            });
            if (before[0] >= 0) {
                return before[0];
            }
            long countedAt = System.nanoTime();
            int inFlight = DocumentQueue.inFlight(c);
            if (inFlight + adding > quota) {
                queueLevels.put(tenant.id(), new QueueLevel(inFlight, countedAt));
                throw new QueueFullException(inFlight);
            }
            queueLevels.put(tenant.id(), new QueueLevel(inFlight + adding, countedAt));
            return inFlight;
        } finally {
            if (counter) {
                counting.remove(tenant.id());
            }
        }
    }

    /**
     * Documents of the tenant still waiting for or in the pipeline, as this gateway knows them (see
     * {@link #reserve}; counted now when its level is stale and no other upload is counting). Good for
     * refusing an upload before its body is read; {@link #record} is what enforces the quota.
     */
    int inFlightRecently(Tenant tenant) throws SQLException {
        QueueLevel level = queueLevels.get(tenant.id());
        if (level != null && level.fresh()) {
            return level.inFlight();
        }
        boolean counter = counting.add(tenant.id());
        if (!counter && level != null) {
            return level.inFlight();
        }
        try {
            long countedAt = System.nanoTime();
            int inFlight = dataSources.withConnection(tenant, RECORD_PATIENCE, DocumentQueue::inFlight);
            queueLevels.merge(tenant.id(), new QueueLevel(inFlight, countedAt),
                    (old, counted) -> old.countedAt() - counted.countedAt() > 0 ? old : counted);
            return inFlight;
        } finally {
            if (counter) {
                counting.remove(tenant.id());
            }
        }
    }

    /** Recording the files would take the tenant's queue over its quota; nothing was recorded. */
    static final class QueueFullException extends RuntimeException {
        private final int inFlight;

        QueueFullException(int inFlight) {
            super(null, null, false, false);
            this.inFlight = inFlight;
        }

        int inFlight() {
            return inFlight;
        }
    }

    /**
     * Cancels the job's documents that are not indexed yet: {@code failed} with reason
     * {@code cancelled}, staged copy released.
     * @return one entry per cancelled document: its staged copy, null when it had none
     */
    List<URI> cancel(Tenant tenant, UUID jobId) throws SQLException {
        List<URI> cancelled = dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE documents d SET status = 'failed', reason = 'cancelled', staged_at = NULL, updated_at = now()
                    FROM (SELECT id, staged_at FROM documents WHERE job_id = ?
                          AND status IN ('queued', 'converting', 'chunking', 'embedding') FOR UPDATE) old
                    WHERE d.id = old.id RETURNING old.staged_at""")) {
                ps.setObject(1, jobId);
                List<URI> staged = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        staged.add(rs.getString(1) == null ? null : URI.create(rs.getString(1)));
                    }
                }
                return staged;
            }
        });
        queueLevels.remove(tenant.id()); // room was made: the next upload counts again
        return cancelled;
    }

    /** The documents of one upload job, empty when the tenant has no such job. */
    List<Map<String, Object>> job(Tenant tenant, UUID jobId) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, filename, content_type, size_bytes, source, metadata->>'source_url' AS source_url, status,
                           reason, version, active_version, chunk_count, created_at, updated_at, indexed_at
                    FROM documents WHERE job_id = ? ORDER BY created_at, filename""")) {
                ps.setObject(1, jobId);
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(view(rs));
                    }
                }
                return rows;
            }
        });
    }

    /** The status view of a document, empty when the tenant has no such document. */
    Optional<Map<String, Object>> status(Tenant tenant, UUID id) throws SQLException {
        return dataSources.inTransaction(tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, filename, content_type, size_bytes, source, metadata->>'source_url' AS source_url, status,
                           reason, version, active_version, chunk_count, created_at, updated_at, indexed_at
                    FROM documents WHERE id = ? AND status <> 'deleted'""")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(view(rs)) : Optional.empty();
                }
            }
        });
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("document_id", rs.getObject("id").toString());
        view.put("filename", rs.getString("filename"));
        view.put("content_type", rs.getString("content_type"));
        view.put("size_bytes", rs.getLong("size_bytes"));
        view.put("source", rs.getString("source"));
        if (rs.getString("source_url") != null) {
            view.put("source_url", rs.getString("source_url"));
        }
        view.put("status", rs.getString("status"));
        view.put("reason", rs.getString("reason"));
        view.put("version", rs.getInt("version"));
        view.put("active_version", rs.getObject("active_version"));
        view.put("chunk_count", rs.getInt("chunk_count"));
        view.put("created_at", instant(rs, "created_at"));
        view.put("updated_at", instant(rs, "updated_at"));
        view.put("indexed_at", instant(rs, "indexed_at"));
        return view;
    }

    private static String instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant().toString();
    }
}
