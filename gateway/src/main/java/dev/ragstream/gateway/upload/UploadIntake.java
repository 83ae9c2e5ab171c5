package dev.ragstream.gateway.upload;

import dev.ragstream.gateway.urlimport.DocumentTypes;
import dev.ragstream.gateway.urlimport.UrlDocument;
import dev.ragstream.gateway.urlimport.UrlImporter;
import dev.ragstream.gateway.urlimport.UrlRefusals;
import dev.ragstream.platform.egress.EgressRefusedException;
import dev.ragstream.platform.staging.StagingStore;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Streams a multipart upload into the staging store: every {@code file} part becomes a document,
 * a ZIP part becomes one document per entry. The tenant's byte cap holds for the whole request
 * while streaming — the first byte over it ends the request with 413 and nothing stays staged —
 * and memory stays bounded whatever the size. All or nothing: any refused file discards the lot.
 * A {@code url} form field (or {@link #stageUrl} for a JSON body) is fetched through the
 * {@link UrlImporter} within the same budget, and detected and allow-listed like a file part.
 */
@Component
class UploadIntake implements DocumentTypes {

    private static final Logger log = LoggerFactory.getLogger(UploadIntake.class);
    private static final int SNIFF_BYTES = 64 * 1024;

    /**
     * A staged file with its generated id, sanitised name and detected type.
     * @param sourceUrl where a URL import fetched it from (after redirects), null for uploaded files
     */
    record Staged(UUID documentId, String filename, String contentType, StagingStore.Staged staged, URI sourceUrl) {
    }

    private static final int MAX_URL_FIELD = 8 * 1024;
    /** What a multipart body may hold besides its files' bytes: delimiters, part headers, form fields. */
    private static final long FORM_OVERHEAD = 1024 * 1024;

    private final StagingStore staging;
    private final UrlImporter urls;

    UploadIntake(StagingStore staging, UrlImporter urls) {
        this.staging = staging;
        this.urls = urls;
    }

    @Override
    public boolean accepted(String contentType) {
        try {
            ContentTypes.requireAccepted(contentType, "", false);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** Fetches and stages one URL (a JSON upload). @throws ApiException as {@link #stage} and {@link UrlRefusals} */
    List<Staged> stageUrl(Tenant tenant, String url) {
        Budget budget = new Budget(tenant.maxUploadBytes());
        List<Staged> staged = new ArrayList<>();
        try {
            acceptUrl(tenant, url, budget, 1, staged);
        } catch (ApiException e) {
            discard(staged);
            throw e;
        } catch (IOException e) {
            discard(staged);
            throw ApiException.unavailable("staging-unavailable", "The upload could not be stored; please retry");
        }
        return staged;
    }

    /**
     * @param labels receives the upload's label fields ({@link DocumentLabels#FIELDS})
     * @throws ApiException 400 (no file, an invalid label), 413 (over the cap), 415 (type not accepted)
     */
    List<Staged> stage(Tenant tenant, HttpServletRequest request, int maxFiles, DocumentLabels labels) {
        Budget budget = new Budget(tenant.maxUploadBytes());
        // the whole body counts, parts nobody reads included: bytes the client may send are bounded, not only those staged
        long maxBody = Math.addExact(budget.max, FORM_OVERHEAD);
        if (request.getContentLengthLong() > maxBody) {
            throw budget.tooLarge(); // declared: refused before a byte is read
        }
        List<Staged> staged = new ArrayList<>();
        try {
            MultipartForm form = new MultipartForm(request.getInputStream(), request.getContentType(), maxBody);
            for (MultipartForm.Part part; (part = form.next()) != null; ) {
                if (!part.isFile() && "url".equals(part.field())) {
                    acceptUrl(tenant, formField(part), budget, maxFiles, staged);
                } else if (!part.isFile() && DocumentLabels.isLabel(part.field())) {
                    labels.put(part.field(), formField(part));
                } else if (part.isFile() && "file".equals(part.field())) {
                    try (BufferedInputStream in = sniffable(part.content())) {
                        accept(tenant, UploadNames.sanitize(part.filename()), in, budget, maxFiles, staged);
                    }
                }
            }
        } catch (ApiException e) {
            discard(staged);
            throw e;
        } catch (IOException e) { // a malformed multipart body, or the client went away
            discard(staged);
            throw budget.exceeded || e instanceof MultipartForm.TooLargeException ? budget.tooLarge()
                    : ApiException.badRequest("invalid-multipart", "Malformed multipart upload");
        }
        if (staged.isEmpty()) {
            throw ApiException.badRequest("no-file", "No file uploaded");
        }
        return staged;
    }

    private void accept(Tenant tenant, String filename, BufferedInputStream in, Budget budget, int maxFiles, List<Staged> staged)
            throws IOException {
        String type = detect(in, filename);
        ContentTypes.requireAccepted(type, filename, true);
        if (ContentTypes.ZIP.equals(type)) {
            expand(tenant, filename, in, budget, maxFiles, staged);
            return;
        }
        requireRoom(staged, maxFiles);
        staged.add(stageOne(tenant, filename, type, in, budget, null));
    }

    /** The fetch is capped at what the request may still stage; its refusals become their answers here, at the boundary. */
    private void acceptUrl(Tenant tenant, String url, Budget budget, int maxFiles, List<Staged> staged) throws IOException {
        requireRoom(staged, maxFiles);
        long cap = budget.remaining();
        try (UrlDocument document = urls.open(url, cap);
             BufferedInputStream in = sniffable(document.content())) {
            String filename = UploadNames.sanitize(document.filename());
            String type = detect(in, filename);
            ContentTypes.requireAccepted(type, filename, false);
            staged.add(stageOne(tenant, filename, type, in, budget, document.source()));
            log.info("Tenant {}: staged {} from a URL on {}", tenant.id(), staged.get(staged.size() - 1).documentId(),
                    document.source().getHost());
        } catch (EgressRefusedException e) {
            throw UrlRefusals.toApi(e, budget.max);
        }
    }

    /** A stream whose first bytes can be read for {@link #detect} and again for staging. */
    private static BufferedInputStream sniffable(InputStream in) {
        return new BufferedInputStream(in, 8 * 1024); // grown up to SNIFF_BYTES while a detector reads that far
    }

    /**
     * The detected type of a {@link #sniffable} stream, which is left at its start without a mark: the
     * copy that follows reads past the buffer straight from the source rather than growing the buffer
     * to the mark's limit (16, 32, then 64 KB for a 100 KB upload; it was a 64 KB buffer per file).
     */
    private static String detect(BufferedInputStream in, String filename) throws IOException {
        in.mark(SNIFF_BYTES);
        String type = ContentTypes.detect(in, filename); // each detector resets the stream to where it began
        in.mark(0);
        return type;
    }

    private static String formField(MultipartForm.Part part) throws IOException {
        byte[] value = part.content().readNBytes(MAX_URL_FIELD + 1);
        if (value.length > MAX_URL_FIELD) {
            throw ApiException.badRequest("field-too-large", "The " + part.field() + " field exceeds " + MAX_URL_FIELD + " bytes");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private Staged stageOne(Tenant tenant, String filename, String type, InputStream in, Budget budget, URI sourceUrl)
            throws IOException {
        UUID id = UUID.randomUUID();
        try {
            StagingStore.Staged copy = staging.stage(tenant.id(), id, in, budget.remaining());
            budget.use(copy.sizeBytes());
            return new Staged(id, filename, type, copy, sourceUrl);
        } catch (StagingStore.TooLargeException e) {
            budget.exceeded = true;
            throw budget.tooLarge();
        }
    }

    /** Writes the archive to a private temporary file (ZIP needs random access), checks it, stages its entries. */
    private void expand(Tenant tenant, String filename, InputStream in, Budget budget, int maxFiles, List<Staged> staged)
            throws IOException {
        Path archive = Files.createTempFile("ragstream-upload-", ".zip");
        try {
            try (OutputStream out = Files.newOutputStream(archive)) {
                if (copyAtMost(in, out, budget.remaining()) > budget.remaining()) {
                    budget.exceeded = true;
                    throw budget.tooLarge();
                }
            }
            try (ZipExpansion zip = ZipExpansion.open(archive, filename, maxFiles - staged.size(), budget.remaining())) {
                for (ZipExpansion.Entry entry : zip.entries()) {
                    try (BufferedInputStream entryIn = sniffable(zip.open(entry))) {
                        String type = detect(entryIn, entry.name());
                        ContentTypes.requireAccepted(type, filename + "/" + entry.name(), false);
                        requireRoom(staged, maxFiles);
                        staged.add(stageOne(tenant, entry.name(), type, entryIn, budget, null));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > limit) {
                return total;
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static void requireRoom(List<Staged> staged, int maxFiles) {
        if (staged.size() >= maxFiles) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-many-files", "At most " + maxFiles + " files per upload");
        }
    }

    /** Deletes staged copies that will not become documents. */
    void discard(List<Staged> staged) {
        discardReferences(staged.stream().map(s -> s.staged().reference()).toList());
    }

    /** Deletes staged copies by reference (nulls are skipped); a failure leaves the file to the orphan sweep. */
    void discardReferences(List<URI> references) {
        for (URI reference : references) {
            if (reference == null) {
                continue;
            }
            try {
                staging.delete(reference);
            } catch (IOException e) {
                log.warn("Cannot delete staged copy {}; the orphan sweeper will: {}", reference, e.toString());
            }
        }
    }

    /** The bytes a request may still stage. */
    private static final class Budget {
        private final long max;
        private long used;
        private boolean exceeded;

        Budget(long max) {
            this.max = max;
        }

        long remaining() {
            return max - used;
        }

        void use(long bytes) {
            used += bytes;
        }

        ApiException tooLarge() {
            return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file-too-large",
                    "Upload exceeds the maximum upload size of " + max / (1024 * 1024) + " MB");
        }
    }
}
