package dev.ragstream.gateway.upload;

import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.kafka.EventPublisher;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.schemas.DocumentUploaded;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code POST /upload} and {@code GET /upload/status/{id}}. */
@RestController
class UploadController {

    private static final Logger log = LoggerFactory.getLogger(UploadController.class);

    private final TenantResolver tenants;
    private final StagingStore staging;
    private final DocumentRows documents;
    private final EventPublisher events;
    private final TenantMetrics metrics;

    UploadController(TenantResolver tenants, StagingStore staging, DocumentRows documents, EventPublisher events,
                     TenantMetrics metrics) {
        this.tenants = tenants;
        this.staging = staging;
        this.documents = documents;
        this.events = events;
        this.metrics = metrics;
    }

    @PostMapping("/upload")
    ResponseEntity<Map<String, Object>> upload(HttpServletRequest request,
                                               @RequestParam(name = "tenant_id", required = false) String bodyTenant,
                                               @RequestParam(name = "file", required = false) MultipartFile file) {
        Tenant tenant = tenants.resolve(request, bodyTenant);
        tenants.requireEnabled(tenant, "upload");
        tenants.requireKey(request, tenant.uploadApiKey());
        if (file == null || file.isEmpty()) {
            throw ApiException.badRequest("no-file", "No file uploaded");
        }
        String filename = UploadNames.sanitize(file.getOriginalFilename());
        UUID documentId = UUID.randomUUID();
        StagingStore.Staged staged = stage(tenant, documentId, file);
        Instant acceptedAt = Instant.now();
        String contentType = UploadNames.contentType(filename, file.getContentType());
        try {
            documents.insertQueued(tenant, documentId, filename, contentType, staged.sizeBytes(), staged.sha256(),
                    staged.reference().toString(), acceptedAt);
        } catch (SQLException e) {
            discard(staged);
            log.error("Tenant {}: cannot record upload {}: {}", tenant.id(), documentId, e.getMessage());
            throw ApiException.databaseUnavailable();
        }
        publish(tenant, new DocumentUploaded(UUID.randomUUID(), tenant.id().value(), documentId, 1, filename, contentType,
                staged.sizeBytes(), staged.sha256(), staged.reference(), acceptedAt));
        metrics.count("uploads", tenant.id().value(), "outcome", "accepted");
        log.info("Tenant {}: accepted upload {} ({} bytes)", tenant.id(), documentId, staged.sizeBytes());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of(
                "document_id", documentId.toString(),
                "status", "queued",
                "status_url", "/upload/status/" + documentId + "?tenant=" + tenant.id()));
    }

    @GetMapping("/upload/status/{documentId}")
    Map<String, Object> status(HttpServletRequest request, @PathVariable String documentId) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "upload");
        tenants.requireKey(request, tenant.uploadApiKey(), tenant.adminApiKey());
        ApiException notFound = ApiException.notFound("document-not-found", "Document not found");
        UUID id;
        try {
            id = UUID.fromString(documentId);
        } catch (IllegalArgumentException e) {
            throw notFound;
        }
        try {
            return documents.status(tenant, id).orElseThrow(() -> notFound);
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }

    private StagingStore.Staged stage(Tenant tenant, UUID documentId, MultipartFile file) {
        try (InputStream in = file.getInputStream()) {
            return staging.stage(tenant.id(), documentId, in, tenant.maxUploadBytes());
        } catch (StagingStore.TooLargeException e) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file-too-large",
                    "File exceeds the maximum upload size of " + tenant.maxUploadBytes() / (1024 * 1024) + " MB");
        } catch (IOException e) {
            log.error("Tenant {}: staging upload {} failed: {}", tenant.id(), documentId, e.toString());
            throw ApiException.unavailable("staging-unavailable", "The upload could not be stored; please retry");
        }
    }

    /** The queued row is the outbox: when publishing fails the row is marked failed and the client told to retry. */
    private void publish(Tenant tenant, DocumentUploaded event) {
        try {
            events.publish(DocumentUploaded.TOPIC, event.documentId(), tenant.id().value(), event.eventId(),
                    event.eventId().toString(), event);
        } catch (RetryableException e) {
            log.error("Tenant {}: publishing upload {} failed: {}", tenant.id(), event.documentId(), e.getMessage());
            try {
                documents.markFailed(tenant, event.documentId(), "publish_failed");
            } catch (SQLException marking) {
                log.error("Tenant {}: cannot mark upload {} failed; the sweeper will re-publish it",
                        tenant.id(), event.documentId());
            }
            throw ApiException.unavailable("queue-unavailable", "The upload queue is unavailable; please retry");
        }
    }

    private void discard(StagingStore.Staged staged) {
        try {
            staging.delete(staged.reference());
        } catch (IOException e) {
            log.warn("Cannot delete staged copy {}; the orphan sweeper will: {}", staged.reference(), e.toString());
        }
    }
}
