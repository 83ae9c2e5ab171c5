package dev.ragstream.ingest.conversion;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ragstream.ingest.IngestProperties;
import dev.ragstream.ingest.conversion.DoclingException.Reason;
import dev.ragstream.platform.kafka.RetryableException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts with docling-serve's synchronous v1 API: one multipart {@code POST <base>/v1/convert/file}
 * with the file as {@code files}, asking for markdown and Docling's JSON document
 * ({@code to_formats=md,json}), pages {@code 1…maxPages} only ({@code page_range}), images as
 * placeholders, a page-break placeholder between pages, and {@code document_timeout} equal to our
 * own request timeout. The whole exchange, response body included, must finish within the timeout.
 *
 * <p>Does not implement {@link DocumentConverter}: it throws {@link DoclingException} for every
 * failure, document verdicts included, because Tika has the last word on a document.
 */
final class DoclingDocumentConverter {

    static final String PATH = "/v1/convert/file";
    /** HTTP statuses with which docling-serve judges the document rather than itself. */
    private static final Set<Integer> REJECTIONS = Set.of(400, 413, 415, 422);

    private final HttpClient http;
    private final JsonMapper json;
    private final IngestProperties.Docling limits;
    private final int maxChars;

    DoclingDocumentConverter(IngestProperties.Docling limits, int maxChars, JsonMapper json) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(limits.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.limits = limits;
        this.maxChars = maxChars;
    }

    /**
     * @param baseUrl an absolute http(s) URL of a docling-serve instance, without the API path
     * @throws DoclingException whenever no usable markdown came back
     */
    DocumentConverter.ConvertedDocument convert(URI baseUrl, byte[] content, String filename, String contentType) {
        String boundary = "ragstream-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(endpoint(baseUrl)).timeout(limits.timeout())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, content, filename, contentType)))
                .build();
        HttpResponse<byte[]> response = send(request);
        int status = response.statusCode();
        if (REJECTIONS.contains(status)) {
            throw new DoclingException(Reason.REJECTED, "docling-serve rejected the document with HTTP " + status);
        }
        if (status != 200) {
            throw new DoclingException(Reason.SERVER_ERROR, "docling-serve answered HTTP " + status);
        }
        return DoclingResponse.read(json, response.body(), maxChars, limits.maxPages());
    }

    static URI endpoint(URI baseUrl) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH);
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return future.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DoclingException(Reason.TIMEOUT, "no answer from docling-serve within " + limits.timeout(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Reason reason = cause instanceof HttpTimeoutException ? Reason.TIMEOUT : Reason.UNAVAILABLE;
            throw new DoclingException(reason, "cannot reach docling-serve: " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while waiting for docling-serve", e);
        }
    }

    private byte[] multipart(String boundary, byte[] content, String filename, String contentType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 2048);
        field(out, boundary, "to_formats", "md");
        field(out, boundary, "to_formats", "json");
        field(out, boundary, "image_export_mode", "placeholder");
        field(out, boundary, "page_range", "1");
        field(out, boundary, "page_range", String.valueOf(limits.maxPages()));
        field(out, boundary, "document_timeout", String.valueOf(limits.timeout().toMillis() / 1000.0));
        field(out, boundary, "md_page_break_placeholder", DoclingResponse.PAGE_BREAK);
        field(out, boundary, "abort_on_error", "false");
        String name = filename == null || filename.isBlank() ? "document" : filename.replaceAll("[\"\\\\\\r\\n]", "_");
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType.replaceAll("[\\r\\n]", "");
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
                + "\"\r\nContent-Type: " + type + "\r\n\r\n");
        out.writeBytes(content);
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
        write(out, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(UTF_8));
    }
}
