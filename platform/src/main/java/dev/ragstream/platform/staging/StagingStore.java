package dev.ragstream.platform.staging;

import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Holds uploaded bytes until the document is converted. */
public interface StagingStore {

    /**
     * Copies {@code content} (not closed) into the store, at most {@code maxBytes}.
     * @throws TooLargeException when the content exceeds {@code maxBytes}; nothing stays behind
     */
    Staged stage(TenantId tenant, UUID documentId, InputStream content, long maxBytes) throws IOException;

    /** Opens a staged copy; the caller closes the stream. @throws IOException when it is gone */
    InputStream open(URI reference) throws IOException;

    /** Deletes a staged copy; a missing one is not an error. */
    void delete(URI reference) throws IOException;

    /** References of the tenant's staged copies (finished or not) last written before {@code cutoff}. */
    List<URI> stagedBefore(TenantId tenant, Instant cutoff) throws IOException;

    /** A staged copy: its reference, size and SHA-256 (hex). */
    record Staged(URI reference, long sizeBytes, String sha256) {
    }

    /** The content is larger than allowed. */
    final class TooLargeException extends IOException {
        public TooLargeException(long maxBytes) {
            super("content exceeds " + maxBytes + " bytes");
        }
    }
}
