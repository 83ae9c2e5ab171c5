package dev.ragstream.ingest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Ingest worker settings ({@code ragstream.ingest.*}); a tenant's {@code CHUNK_MAX_TOKENS} overrides
 * the default chunk size.
 *
 * @param maxChunkTokens  default chunk budget in model tokens (capped at the model window)
 * @param maxChars        most characters kept from one document
 * @param maxMessageBytes most bytes of chunk text in one DocumentChunked message
 */
@Validated
@ConfigurationProperties("ragstream.ingest")
public record IngestProperties(@DefaultValue("120") @Min(16) @Max(512) int maxChunkTokens,
                               @DefaultValue("20000000") @Min(1000) int maxChars,
                               @DefaultValue("800KB") DataSize maxMessageBytes,
                               @DefaultValue("2") @Min(1) int concurrency) {
}
