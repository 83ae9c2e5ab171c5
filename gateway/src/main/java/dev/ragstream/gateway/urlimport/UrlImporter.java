package dev.ragstream.gateway.urlimport;

import dev.ragstream.platform.egress.DnsResolver;
import dev.ragstream.platform.egress.EgressRefusedException;
import dev.ragstream.platform.egress.FetchResponse;
import dev.ragstream.platform.egress.SafeFetcher;
import dev.ragstream.platform.web.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Fetches client-supplied URLs through the {@link SafeFetcher}, capped at the caller's byte budget
 * (the tenant's upload cap). A file is passed on as it streams; an HTML page is scanned (its first
 * {@value #SCAN_BYTES} bytes) and, when it is a media page, replaced by the transcript of its first
 * caption track, fetched through the same client.
 */
@Component
public class UrlImporter {

    static final int SCAN_BYTES = 1024 * 1024;
    /** The cap of a {@code /media-info} fetch, which reads at most {@link #SCAN_BYTES} itself: any declared length may be described. */
    private static final long DESCRIBE_CAP = Long.MAX_VALUE / 2;
    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([A-Za-z0-9._:-]{1,40})");

    private final SafeFetcher fetcher;
    private final DnsResolver resolver;

    UrlImporter(SafeFetcher fetcher, DnsResolver egressDnsResolver) {
        this.fetcher = fetcher;
        this.resolver = egressDnsResolver;
    }

    /**
     * Fetches {@code url} as a document of at most {@code maxBytes}.
     *
     * @throws ApiException 400 (refused URL), 413, 422 (upstream error status; a media page without a
     *                      caption track), 502, 504 — see {@link UrlRefusals}
     */
    public UrlDocument open(String url, long maxBytes) {
        FetchResponse response = fetch(url, maxBytes);
        try {
            if (!isHtml(response)) {
                return new UrlDocument(response.url(), fileName(response.url(), null), response.body(), response);
            }
            byte[] head = response.body().readNBytes((int) Math.min(SCAN_BYTES, maxBytes));
            HtmlPage page = HtmlPage.scan(new String(head, charset(response)));
            if (!page.declaresMedia()) {
                InputStream content = new SequenceInputStream(new ByteArrayInputStream(head), response.body());
                return new UrlDocument(response.url(), fileName(response.url(), ".html"), content, response);
            }
            response.close();
            return transcript(response.url(), page, maxBytes);
        } catch (EgressRefusedException e) {
            closeQuietly(response);
            throw UrlRefusals.toApi(e, maxBytes);
        } catch (IOException e) {
            closeQuietly(response);
            throw new ApiException(HttpStatus.BAD_GATEWAY, "url-unreachable", "The URL could not be fetched: connection_failed");
        }
    }

    /** @see MediaInfoController */
    MediaInfo describe(String url, DocumentTypes types) {
        try (FetchResponse response = fetch(url, DESCRIBE_CAP)) {
            Long declaredSize = response.contentLength().isPresent() ? response.contentLength().getAsLong() : null;
            if (!isHtml(response)) {
                String type = MediaInfo.detect(response.body(), fileName(response.url(), null));
                return MediaInfo.ofFile(response.url(), type, declaredSize, types.accepted(type));
            }
            byte[] head = response.body().readNBytes(SCAN_BYTES);
            Long size = declaredSize != null ? declaredSize : response.body().read() < 0 ? Long.valueOf(head.length) : null;
            HtmlPage page = HtmlPage.scan(new String(head, charset(response)));
            return MediaInfo.ofPage(response.url(), page, size, types.accepted("text/html"));
        } catch (EgressRefusedException e) {
            throw UrlRefusals.toApi(e, DESCRIBE_CAP);
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "url-unreachable", "The URL could not be fetched: connection_failed");
        }
    }

    private UrlDocument transcript(URI page, HtmlPage html, long maxBytes) throws IOException {
        if (!html.hasCaptions()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "no-transcript",
                    "No transcript available: the media page publishes no caption track");
        }
        URI trackUrl;
        try {
            trackUrl = page.resolve(html.tracks().get(0).src().replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "no-transcript", "No transcript available: invalid caption track URL");
        }
        String captions;
        try (FetchResponse track = fetch(trackUrl.toString(), maxBytes)) {
            captions = new String(track.body().readAllBytes(), charset(track));
        }
        List<String> paragraphs = Captions.paragraphs(captions);
        if (paragraphs.isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "no-transcript", "No transcript available: the caption track is empty");
        }
        String title = html.title() != null ? html.title() : page.getHost();
        byte[] markdown = ("# " + title + "\n\n" + String.join("\n\n", paragraphs) + "\n").getBytes(StandardCharsets.UTF_8);
        String name = title.replaceAll("[/\\\\]", "-");
        return new UrlDocument(page, (name.length() > 200 ? name.substring(0, 200) : name) + ".md",
                new ByteArrayInputStream(markdown), () -> { });
    }

    private FetchResponse fetch(String url, long maxBytes) {
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("missing-url", "Missing url");
        }
        SafeFetcher capped = new SafeFetcher(fetcher.policy().withMaxBodySize(DataSize.ofBytes(maxBytes)), resolver);
        try {
            return capped.fetch(url.strip());
        } catch (EgressRefusedException e) {
            throw UrlRefusals.toApi(e, maxBytes);
        }
    }

    private static boolean isHtml(FetchResponse response) {
        String type = response.contentType().orElse("").toLowerCase(Locale.ROOT);
        return type.startsWith("text/html") || type.startsWith("application/xhtml+xml");
    }

    /** The last path segment of {@code url}, or its host; {@code extension} appended when it lacks one. */
    static String fileName(URI url, String extension) {
        String path = url.getPath() == null ? "" : url.getPath();
        String segment = path.substring(path.lastIndexOf('/') + 1);
        String name = segment.isBlank() ? url.getHost() : segment;
        if (extension != null && !name.toLowerCase(Locale.ROOT).matches(".*\\.x?html?$")) {
            name += extension;
        }
        return name;
    }

    private static Charset charset(FetchResponse response) {
        Matcher m = CHARSET.matcher(response.contentType().orElse(""));
        try {
            return m.find() ? Charset.forName(m.group(1)) : StandardCharsets.UTF_8;
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static void closeQuietly(FetchResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            // the fetch already failed; the connection is gone either way
        }
    }
}
