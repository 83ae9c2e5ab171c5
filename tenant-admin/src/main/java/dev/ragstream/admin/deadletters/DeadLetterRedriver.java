package dev.ragstream.admin.deadletters;

import dev.ragstream.admin.web.Rows;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.schemas.DocumentUploaded;
import dev.ragstream.schemas.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gives a dead letter's document another run. In one transaction on the tenant's ragdb the
 * document moves from {@code failed} at the letter's version to the next version (status the
 * worker of the original topic starts from); once that is committed, the letter's payload — with
 * that version and a new event id, the original tenant and correlation headers — is published to
 * the original topic. Never before the commit: a worker that got the event first would find the
 * old version and skip it, leaving the document queued for good. When Kafka does not acknowledge,
 * the document goes back to {@code failed} at the letter's version, so the letter can be redriven
 * again. Because the update requires the letter's own version, a letter whose document has moved
 * on (redriven before, reindexed, re-uploaded, deleted, indexed) is skipped: redriving twice
 * queues the work once, and the stale original event stays ignored.
 */
@Component
class DeadLetterRedriver {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRedriver.class);

    private final TenantDataSources dataSources;
    private final EventPublisher events;

    DeadLetterRedriver(TenantDataSources dataSources, EventPublisher events) {
        this.dataSources = dataSources;
        this.events = events;
    }

    /** What redriving one letter did: {@code redriven} as {@code version}, or {@code skipped} with a {@code detail}. */
    record Outcome(DeadLetter letter, String outcome, Integer version, String detail) {
        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", letter.id());
            view.put("document_id", letter.documentId() == null ? null : letter.documentId().toString());
            view.put("outcome", outcome);
            view.put(version == null ? "detail" : "version", version == null ? detail : version);
            return view;
        }
    }

    /** An outcome, and for a redriven letter the event to publish once the new version is committed. */
    private record Pending(Outcome outcome, String status, String topic, UUID eventId, Object event) {
        static Pending skipped(Outcome outcome) {
            return new Pending(outcome, null, null, null, null);
        }
    }

    /**
     * @throws ApiException 503 when the tenant's database cannot be written
     * @throws RetryableException when Kafka did not acknowledge (the document is back as it was)
     */
    Outcome redrive(Tenant tenant, DeadLetter letter) {
        if (letter.documentId() == null || letter.version() == null || !(letter.payload() instanceof ObjectNode)
                || !Topics.uploadTopics().contains(letter.originalTopic()) && !Topics.chunkTopics().contains(letter.originalTopic())) {
            return new Outcome(letter, "skipped", null, "not a readable pipeline event");
        }
        try {
            Pending pending = dataSources.inTransaction(tenant, c -> again(c, tenant, letter));
            Outcome outcome = pending.outcome();
            if (pending.event() != null) {
                publishOrUndo(tenant, letter, pending);
            }
            log.info("Dead letter {} of document {} v{}: {}", letter.id(), letter.documentId(), letter.version(),
                    outcome.version() == null ? "skipped, " + outcome.detail() : "redriven as version " + outcome.version());
            return outcome;
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    private Pending again(Connection c, Tenant tenant, DeadLetter letter) throws SQLException {
        ObjectNode payload = ((ObjectNode) letter.payload()).deepCopy();
        if (Topics.uploadTopics().contains(letter.originalTopic())) {
            return requeue(c, tenant, letter, "queued", letter.originalTopic(), payload);
        }
        if (payload.path("chunks").size() >= payload.path("totalChunks").asInt(Integer.MAX_VALUE)) {
            return requeue(c, tenant, letter, "embedding", letter.originalTopic(), payload);
        }
        return rechunk(c, tenant, letter);
    }

    /** The letter's own event once more, as the document's next version. */
    private Pending requeue(Connection c, Tenant tenant, DeadLetter letter, String status, String topic, ObjectNode payload)
            throws SQLException {
        Map<String, Object> row = nextVersion(c, letter, status, "");
        if (row == null) {
            return Pending.skipped(skipped(c, letter));
        }
        int version = (Integer) row.get("version");
        UUID eventId = UUID.randomUUID();
        payload.put("version", version);
        payload.put("eventId", eventId.toString());
        return new Pending(new Outcome(letter, "redriven", version, null), status, topic, eventId, payload);
    }

    /**
     * A chunk letter holding only part of its version cannot complete it (the version's other chunk
     * messages were skipped once the document failed): the stored text is chunked again instead,
     * exactly like a reindex.
     */
    private Pending rechunk(Connection c, Tenant tenant, DeadLetter letter) throws SQLException {
        Map<String, Object> row = nextVersion(c, letter, "queued", " AND markdown IS NOT NULL");
        if (row == null) {
            return Pending.skipped(skipped(c, letter));
        }
        int version = (Integer) row.get("version");
        DocumentUploaded event = new DocumentUploaded(UUID.randomUUID(), tenant.id().value(), letter.documentId(), version,
                (String) row.get("filename"), (String) row.get("content_type"), ((Number) row.get("size_bytes")).longValue(),
                ((String) row.get("sha256")).strip(), null, Instant.now());
        return new Pending(new Outcome(letter, "redriven", version, null), "queued", Topics.Lane.of(letter.originalTopic()).uploads(),
                event.eventId(), event);
    }

    private static Map<String, Object> nextVersion(Connection c, DeadLetter letter, String status, String condition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE documents SET version = version + 1, status = ?, reason = NULL,"
                + " updated_at = now() WHERE id = ? AND version = ? AND status = 'failed'" + condition
                + " RETURNING version, filename, content_type, size_bytes, sha256")) {
            List<Map<String, Object>> rows = Rows.query(ps, status, letter.documentId(), letter.version());
            return rows.isEmpty() ? null : rows.get(0);
        }
    }

    /**
     * Into the lane the letter came from, under that lane's key; unacknowledged, the committed new
     * version is taken back (if the event arrives after all, its version is then gone: ignored).
     */
    private void publishOrUndo(Tenant tenant, DeadLetter letter, Pending pending) {
        String correlationId = DeadLetter.text(letter.record(), Topics.HEADER_CORRELATION_ID);
        try {
            events.publish(pending.topic(), tenant.id().value(), letter.documentId(), pending.eventId(),
                    correlationId == null ? pending.eventId().toString() : correlationId, pending.event());
        } catch (RetryableException e) {
            try {
                dataSources.inTransaction(tenant, c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE documents SET version = version - 1, status = 'failed',"
                            + " reason = ?, updated_at = now() WHERE id = ? AND version = ? AND status = ?")) {
                        ps.setString(1, letter.reason());
                        ps.setObject(2, letter.documentId());
                        ps.setInt(3, pending.outcome().version());
                        ps.setString(4, pending.status());
                        return ps.executeUpdate();
                    }
                });
            } catch (SQLException | RuntimeException undo) {
                log.error("Dead letter {}: document {} stays {} at version {} without its event (publishing failed, and so did"
                                + " taking the version back: {}); the upload sweep republishes a queued document, reindex one left embedding",
                        letter.id(), letter.documentId(), pending.status(), pending.outcome().version(),
                        undo instanceof SQLException sql ? "SQL state " + sql.getSQLState() : undo.toString());
            }
            throw e;
        }
    }

    private static Outcome skipped(Connection c, DeadLetter letter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, version, markdown IS NOT NULL AS converted FROM documents WHERE id = ?")) {
            List<Map<String, Object>> rows = Rows.query(ps, letter.documentId());
            if (rows.isEmpty()) {
                return new Outcome(letter, "skipped", null, "document not found");
            }
            Map<String, Object> doc = rows.get(0);
            if ("failed".equals(doc.get("status")) && letter.version().equals(doc.get("version"))) {
                return new Outcome(letter, "skipped", null, "document has no converted text; upload it again");
            }
            return new Outcome(letter, "skipped", null, "document moved on: " + doc.get("status") + " at version " + doc.get("version"));
        }
    }
}
