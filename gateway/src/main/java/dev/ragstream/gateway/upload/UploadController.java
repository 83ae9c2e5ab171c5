package dev.ragstream.gateway.upload;

import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.gateway.urlimport.UrlRequests;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.PipelineFailures;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.schemas.DocumentUploaded;
import dev.ragstream.schemas.Topics;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /upload}, {@code GET /upload/status/{id}} and {@code GET /upload/jobs/{id}}. The tenant
 * comes from the query {@code tenant} or the {@code X-Tenant-ID} header (the multipart body is
 * streamed, not read for a {@code tenant_id} field), and is authenticated before a byte of the body
 * is read. Instead of files, a {@code url} form field or a JSON body {@code {"url": "…"}} names a
 * page or file the gateway fetches (see {@code dev.ragstream.gateway.urlimport}); the answer has
 * the same shape. Form fields (or JSON fields) {@code speaker}, {@code topic} and
 * {@code document_type} label every document of the upload (see {@link DocumentLabels}).
 */
@RestController
class UploadController {

    private static final Logger log = LoggerFactory.getLogger(UploadController.class);
    private static final int MAX_FILES = 1000;

    private final TenantResolver tenants;
    private final UploadIntake intake;
    private final DocumentRows documents;
    private final EventPublisher events;
    private final TenantMetrics metrics;
    private final PipelineFailures failures;
    private final UploadSlots slots;

    UploadController(TenantResolver tenants, UploadIntake intake, DocumentRows documents, EventPublisher events,
                     TenantMetrics metrics, PipelineFailures failures, UploadSlots slots) {
        this.tenants = tenants;
        this.intake = intake;
        this.documents = documents;
        this.events = events;
        this.metrics = metrics;
        this.failures = failures;
        this.slots = slots;
    }

    @PostMapping("/upload")
    ResponseEntity<Map<String, Object>> upload(HttpServletRequest request) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "upload");
        tenants.requireKey(request, tenant.uploadApiKey());
        boolean json = UrlRequests.isJson(request);
        if (!json && !MultipartForm.isMultipart(request)) {
            throw ApiException.badRequest("not-multipart",
                    "Expected multipart/form-data with one or more 'file' parts or a 'url' field, or a JSON body {\"url\": \"...\"}");
        }
        int quota = tenant.getInt("MAX_QUEUED_DOCUMENTS", 1000);
        requireQueueRoom(tenant, quota, 1, List.of());
        UUID jobId = jobOf(request);
        if (json) {
            return accept(tenant, request, true, jobId, quota);
        }
        try (UploadSlots.Slot slot = slots.enter(request)) {
            return accept(tenant, slot.request(), false, jobId, quota);
        } catch (IOException e) { // the client went away while sending a small body
            throw ApiException.badRequest("invalid-multipart", "Malformed multipart upload");
        }
    }

    /** Stages, records and queues the upload's documents. */
    private ResponseEntity<Map<String, Object>> accept(Tenant tenant, HttpServletRequest request, boolean json, UUID jobId,
                                                       int quota) {
        DocumentLabels labels;
        List<UploadIntake.Staged> files;
        if (json) {
            JsonNode body = UrlRequests.jsonBody(request);
            labels = DocumentLabels.of(body);
            files = intake.stageUrl(tenant, body.get("url").stringValue());
        } else {
            labels = new DocumentLabels();
            files = intake.stage(tenant, request, MAX_FILES, labels);
        }
        Instant acceptedAt = Instant.now();
        DocumentRows.Recording recording;
        try {
            recording = documents.record(tenant, jobId, files, labels, acceptedAt, quota);
        } catch (DocumentRows.QueueFullException e) {
            intake.discard(files);
            throw queueFull(e.inFlight(), quota);
        } catch (SQLException e) {
            intake.discard(files);
            // the SQL state only: the driver's message repeats the row's values
            log.error("Tenant {}: cannot record upload job {}: SQL state {}", tenant.id(), jobId, e.getSQLState());
            throw ApiException.databaseUnavailable();
        }
        List<DocumentRows.Recorded> recorded = recording.documents();
        intake.discard(recorded.stream().filter(DocumentRows.Recorded::duplicate).map(DocumentRows.Recorded::file).toList());
        List<DocumentRows.Recorded> queued = recorded.stream().filter(r -> !r.duplicate()).toList();
        Topics.Lane lane = tenant.lane(recording.inFlightBefore() + queued.size());
        for (DocumentRows.Recorded r : queued) {
            UploadIntake.Staged file = r.file();
            publish(tenant, lane, new DocumentUploaded(UUID.randomUUID(), tenant.id().value(), r.documentId(), r.version(),
                    file.filename(), file.contentType(), file.staged().sizeBytes(), file.staged().sha256(),
                    file.staged().reference(), acceptedAt));
        }
        metrics.count("uploads", tenant.id().value(), "outcome", queued.isEmpty() ? "duplicate" : "accepted");
        log.info("Tenant {}: upload job {}: {} documents queued, {} duplicates", tenant.id(), jobId, queued.size(),
                recorded.size() - queued.size());
        // nothing to do when every file is a duplicate: 200 rather than 202, and no job
        return ResponseEntity.status(queued.isEmpty() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(answer(tenant, queued.isEmpty() ? null : jobId, recorded));
    }

    @GetMapping("/upload/status/{documentId}")
    Map<String, Object> status(HttpServletRequest request, @PathVariable String documentId) {
        Tenant tenant = statusReader(request);
        ApiException notFound = ApiException.notFound("document-not-found", "Document not found");
        UUID id = uuid(documentId, notFound);
        try {
            return documents.status(tenant, id).orElseThrow(() -> notFound);
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    @GetMapping("/upload/jobs/{jobId}")
    Map<String, Object> job(HttpServletRequest request, @PathVariable String jobId) {
        Tenant tenant = statusReader(request);
        ApiException notFound = ApiException.notFound("job-not-found", "Upload job not found");
        UUID id = uuid(jobId, notFound);
        try {
            List<Map<String, Object>> docs = documents.job(tenant, id);
            if (docs.isEmpty()) {
                throw notFound;
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            docs.forEach(d -> counts.merge((String) d.get("status"), 1L, Long::sum));
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("job_id", id.toString());
            job.put("total", docs.size());
            job.put("counts", counts);
            job.put("done", docs.stream().allMatch(UploadController::finished));
            eta(docs, Instant.now()).ifPresent(seconds -> job.put("eta_seconds", seconds));
            job.put("documents", docs);
            return job;
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    /**
     * The job an upload joins: {@code ?job=<uuid>} lets a client that sends many files one by one
     * (such as {@code bin/tenant import}) follow them as one job; else a new one. Jobs live in the
     * tenant's own database, so a job id never reaches another tenant's documents.
     */
    private static UUID jobOf(HttpServletRequest request) {
        String job = request.getParameter("job");
        if (job == null || job.isBlank()) {
            return UUID.randomUUID();
        }
        try {
            return UUID.fromString(job.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-job", "job must be a UUID");
        }
    }

    private static boolean finished(Map<String, Object> document) {
        return "indexed".equals(document.get("status")) || "failed".equals(document.get("status"));
    }

    /**
     * Seconds until a job is finished at its pace so far (its age per finished document, for each
     * one left); empty before the first document finishes and after the last.
     */
    static java.util.OptionalLong eta(List<Map<String, Object>> documents, Instant now) {
        long finished = documents.stream().filter(UploadController::finished).count();
        if (finished == 0 || finished == documents.size()) {
            return java.util.OptionalLong.empty();
        }
        Instant started = documents.stream().map(d -> Instant.parse((String) d.get("created_at"))).min(Instant::compareTo)
                .orElseThrow();
        double elapsed = Math.max(0, Duration.between(started, now).toMillis()) / 1000.0;
        return java.util.OptionalLong.of((long) Math.ceil(elapsed / finished * (documents.size() - finished)));
    }

    /**
     * {@code POST /upload/jobs/<id>/cancel}: the job's documents not yet indexed end {@code failed}
     * with reason {@code cancelled}; a worker busy with one drops it at its next step (each step
     * checks the document's state), and their staged copies are deleted. Indexed ones stay.
     */
    @PostMapping("/upload/jobs/{jobId}/cancel")
    Map<String, Object> cancel(HttpServletRequest request, @PathVariable String jobId) {
        Tenant tenant = statusReader(request);
        ApiException notFound = ApiException.notFound("job-not-found", "Upload job not found");
        UUID id = uuid(jobId, notFound);
        try {
            if (documents.job(tenant, id).isEmpty()) {
                throw notFound;
            }
            List<java.net.URI> staged = documents.cancel(tenant, id);
            intake.discardReferences(staged);
            log.info("Tenant {}: upload job {} cancelled", tenant.id(), id);
            return Map.of("job_id", id.toString(), "cancelled", staged.size());
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    private Tenant statusReader(HttpServletRequest request) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "upload");
        tenants.requireKey(request, tenant.uploadApiKey(), tenant.adminApiKey());
        return tenant;
    }

    /** 429 (discarding {@code staged}) when accepting {@code adding} more documents would exceed the tenant's queue quota. */
    private void requireQueueRoom(Tenant tenant, int quota, int adding, List<UploadIntake.Staged> staged) {
        int inFlight;
        try {
            inFlight = documents.inFlightRecently(tenant);
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
        if (inFlight + adding > quota) {
            intake.discard(staged);
            throw queueFull(inFlight, quota);
        }
    }

    private static ApiException queueFull(int inFlight, int quota) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "queue-full", "Too many documents are waiting to be indexed ("
                + inFlight + " of " + quota + "); please retry later", 30);
    }

    private Map<String, Object> answer(Tenant tenant, UUID jobId, List<DocumentRows.Recorded> recorded) {
        List<Map<String, Object>> docs = recorded.stream().map(r -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("document_id", r.documentId().toString());
            doc.put("filename", r.file().filename());
            doc.put("status", r.duplicate() ? "duplicate" : "queued");
            if (r.duplicate()) {
                doc.put("existing_status", r.status());
            } else {
                doc.put("version", r.version());
            }
            doc.put("status_url", "/upload/status/" + r.documentId() + "?tenant=" + tenant.id());
            return doc;
        }).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (docs.size() == 1) {
            answer.putAll(docs.get(0)); // the single-file shape PHP-era clients read
        }
        answer.put("documents", docs);
        if (jobId != null) {
            answer.put("job_id", jobId.toString());
            answer.put("job_url", "/upload/jobs/" + jobId + "?tenant=" + tenant.id());
        }
        return answer;
    }

    /** The queued row is the outbox: when publishing fails the row is marked failed and the client told to retry. */
    private void publish(Tenant tenant, Topics.Lane lane, DocumentUploaded event) {
        try {
            events.publish(lane.uploads(), tenant.id().value(), event.documentId(), event.eventId(),
                    event.eventId().toString(), event);
        } catch (RetryableException e) {
            log.error("Tenant {}: publishing upload {} failed: {}", tenant.id(), event.documentId(), e.getMessage());
            try {
                failures.failed(tenant.id().value(), event.documentId(), "publish_failed");
            } catch (RetryableException marking) {
                log.error("Tenant {}: cannot mark upload {} failed; the sweeper will re-publish it",
                        tenant.id(), event.documentId());
            }
            throw ApiException.unavailable("queue-unavailable", "The upload queue is unavailable; please retry");
        }
    }

    private static UUID uuid(String value, ApiException notFound) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw notFound;
        }
    }
}
