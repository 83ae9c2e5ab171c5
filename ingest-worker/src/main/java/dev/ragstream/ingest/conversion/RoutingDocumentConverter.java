package dev.ragstream.ingest.conversion;

import dev.ragstream.ingest.IngestProperties;
import dev.ragstream.platform.kafka.PermanentException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts with docling-serve when the tenant's {@code DOCLING_SERVICE_URL} is set, with Apache
 * Tika otherwise and whenever Docling does not deliver: a file over {@code max-bytes}, a timeout,
 * an unreachable service, an HTTP error, an answer that is no conversion result, an open circuit
 * breaker — and a document Docling rejects, so that Tika gives the verdict on it. A malformed
 * URL (not absolute http or https, or with credentials, query or fragment) is logged once per
 * tenant and value as an error, without the value, then Tika converts.
 *
 * <p>One circuit breaker per Docling base URL, shared by the tenants that use it: over the last
 * (at least ten) calls, once {@code breaker-minimum-calls} were made, a failure rate of 50 % opens
 * it for {@code breaker-open-for}; then one trial call decides. Rejections of a document are not
 * failures of the service. Each conversion counts in {@code ragstream.ingest.conversions} with tags
 * {@code tenant}, {@code converter} ({@code docling}, {@code tika}) and {@code reason} ({@code ok}
 * for Docling, else why Tika converted). Metadata gets {@code converter}.
 */
public final class RoutingDocumentConverter implements DocumentConverter, AutoCloseable {

    static final String URL_VARIABLE = "DOCLING_SERVICE_URL";
    private static final Logger log = LoggerFactory.getLogger(RoutingDocumentConverter.class);

    private final DocumentConverter tika;
    private final DoclingDocumentConverter docling;
    private final CircuitBreakerRegistry breakers;
    private final TenantMetrics metrics;
    private final long maxBytes;
    private final Set<String> reportedUrls = ConcurrentHashMap.newKeySet();

    /** @param tika converts whatever Docling does not, and documents without a tenant */
    public RoutingDocumentConverter(DocumentConverter tika, IngestProperties.Docling limits, int maxChars,
                                    JsonMapper json, TenantMetrics metrics) {
        this.tika = tika;
        this.docling = new DoclingDocumentConverter(limits, maxChars, json);
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(10, limits.breakerMinimumCalls()))
                .minimumNumberOfCalls(limits.breakerMinimumCalls())
                .failureRateThreshold(50)
                .waitDurationInOpenState(limits.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> e instanceof DoclingException failure && failure.reason().isServiceFault())
                .build());
        this.metrics = metrics;
        this.maxBytes = limits.maxBytes().toBytes();
    }

    /** Closes the Tika converter when it holds resources (parser processes). */
    @Override
    public void close() throws Exception {
        if (tika instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Without a tenant there is no Docling URL: Tika converts. */
    @Override
    public ConvertedDocument convert(InputStream content, String filename, String contentType) {
        return tagged(tika.convert(content, filename, contentType), "tika");
    }

    @Override
    public ConvertedDocument convert(Tenant tenant, InputStream content, String filename, String contentType) {
        String configured = tenant.get(URL_VARIABLE).orElse(null);
        if (configured == null) {
            return tika(tenant, content, filename, contentType, "not_configured");
        }
        URI url = validUrl(tenant, configured);
        if (url == null) {
            return tika(tenant, content, filename, contentType, "invalid_url");
        }
        byte[] head = readAtMost(content, maxBytes + 1, filename);
        if (head.length > maxBytes) {
            log.info("Converting with Tika for tenant {}: the file is larger than {} bytes", tenant.id(), maxBytes);
            return tika(tenant, new SequenceInputStream(new ByteArrayInputStream(head), content), filename, contentType, "too_large");
        }
        CircuitBreaker breaker = breakers.circuitBreaker(url.toString());
        try {
            ConvertedDocument converted = breaker.executeSupplier(() -> docling.convert(url, head, filename, contentType));
            metrics.count("ingest.conversions", tenant.id().value(), "converter", "docling", "reason", "ok");
            return tagged(converted, "docling");
        } catch (CallNotPermittedException e) {
            log.warn("Converting with Tika for tenant {}: the circuit breaker for docling-serve at {} is open",
                    tenant.id(), url.getHost());
            return tika(tenant, new ByteArrayInputStream(head), filename, contentType, "circuit_open");
        } catch (DoclingException e) {
            // the message only: a cause may quote what the service sent
            log.warn("Converting with Tika for tenant {}: {}", tenant.id(), e.getMessage());
            return tika(tenant, new ByteArrayInputStream(head), filename, contentType, e.reason().tag());
        }
    }

    private ConvertedDocument tika(Tenant tenant, InputStream content, String filename, String contentType, String reason) {
        metrics.count("ingest.conversions", tenant.id().value(), "converter", "tika", "reason", reason);
        return tagged(tika.convert(content, filename, contentType), "tika");
    }

    /** The URL, or null (logged once) when it is not an absolute http(s) URL with a host. */
    private URI validUrl(Tenant tenant, String value) {
        try {
            URI url = new URI(value);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null && url.getRawUserInfo() == null
                    && url.getRawQuery() == null && url.getRawFragment() == null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        if (reportedUrls.add(tenant.id().value() + "\n" + value)) {
            // not the value: it may hold credentials
            log.error("{} of tenant {} is not an absolute http(s) URL without credentials or query; converting with Tika until it is fixed",
                    URL_VARIABLE, tenant.id());
        }
        return null;
    }

    private static byte[] readAtMost(InputStream content, long limit, String filename) {
        try {
            return content.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 16));
        } catch (IOException e) {
            throw new PermanentException("unreadable_document", "cannot read " + filename + ": " + e.getMessage(), e);
        }
    }

    private static ConvertedDocument tagged(ConvertedDocument converted, String converter) {
        Map<String, String> metadata = new LinkedHashMap<>(converted.metadata());
        metadata.put("converter", converter);
        return new ConvertedDocument(converted.markdown(), metadata);
    }
}
