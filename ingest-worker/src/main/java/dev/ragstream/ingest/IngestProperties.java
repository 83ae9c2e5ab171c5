package dev.ragstream.ingest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Ingest worker settings ({@code ragstream.ingest.*}); a tenant's {@code CHUNK_MAX_TOKENS} overrides
 * the default chunk size, a tenant's {@code DOCLING_SERVICE_URL} turns Docling conversion on.
 *
 * @param maxChunkTokens  default chunk budget in model tokens (capped at the model window)
 * @param maxChars        most characters kept from one document
 * @param maxMessageBytes most bytes of chunk text in one DocumentChunked message
 * @param concurrency     consumers of the interactive lane (each converts one document at a time)
 * @param bulkConcurrency consumers of the bulk lane
 * @param docling         limits of conversion with docling-serve ({@code ragstream.ingest.docling.*})
 * @param parser          the Tika parser processes ({@code ragstream.ingest.parser.*})
 */
@Validated
@ConfigurationProperties("ragstream.ingest")
public record IngestProperties(@DefaultValue("120") @Min(16) @Max(512) int maxChunkTokens,
                               @DefaultValue("20000000") @Min(1000) int maxChars,
                               @DefaultValue("800KB") DataSize maxMessageBytes,
                               @DefaultValue("2") @Min(1) int concurrency,
                               @DefaultValue("2") @Min(1) int bulkConcurrency,
                               @Valid @DefaultValue Docling docling,
                               @Valid @DefaultValue Parser parser) {

    /**
     * Tika runs in separate processes, one per concurrent conversion.
     *
     * @param timeout one document's conversion; beyond it the process is killed and the document fails
     * @param heap    the heap of each parser process; a document that exhausts it fails
     */
    public record Parser(@DefaultValue("120s") Duration timeout,
                         @DefaultValue("512MB") DataSize heap) {
    }

    /**
     * @param maxPages            pages Docling converts (the first ones); the rest of a longer document is left out
     * @param maxBytes            larger files are not sent to Docling but converted with Tika
     * @param timeout             one conversion request, connection included; then Tika converts
     * @param breakerMinimumCalls calls to one Docling URL before its failure rate (50 % opens the breaker) counts
     * @param breakerOpenFor      how long an open breaker sends everything to Tika before one trial call
     */
    public record Docling(@DefaultValue("200") @Min(1) int maxPages,
                          @DefaultValue("50MB") DataSize maxBytes,
                          @DefaultValue("120s") Duration timeout,
                          @DefaultValue("5") @Min(1) int breakerMinimumCalls,
                          @DefaultValue("60s") Duration breakerOpenFor) {
    }
}
