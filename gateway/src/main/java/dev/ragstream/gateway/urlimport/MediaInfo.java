package dev.ragstream.gateway.urlimport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.tika.Tika;
import org.apache.tika.mime.MediaType;

/**
 * What {@code /media-info} says about a URL.
 *
 * @param url             the URL that answered, after redirects
 * @param title           the page's title; null for files and untitled pages
 * @param contentType     the detected base type ({@code text/html} for pages)
 * @param sizeBytes       the declared length, or a page's length when it was read whole; null when unknown
 * @param kind            {@code page}, {@code document} or {@code media}
 * @param durationSeconds when the page declares it
 * @param importable      whether {@code /upload} with this URL would make a document of it
 */
record MediaInfo(URI url, String title, String contentType, Long sizeBytes, String kind, OptionalDouble durationSeconds,
                 boolean importable) {

    private static final Tika TIKA = new Tika();

    static MediaInfo ofPage(URI url, HtmlPage page, Long sizeBytes, boolean htmlAccepted) {
        return page.declaresMedia()
                ? new MediaInfo(url, page.title(), "text/html", sizeBytes, "media", page.durationSeconds(), page.hasCaptions())
                : new MediaInfo(url, page.title(), "text/html", sizeBytes, "page", OptionalDouble.empty(), htmlAccepted);
    }

    static MediaInfo ofFile(URI url, String contentType, Long sizeBytes, boolean accepted) {
        boolean media = contentType.startsWith("video/") || contentType.startsWith("audio/");
        return new MediaInfo(url, null, contentType, sizeBytes, media ? "media" : "document", OptionalDouble.empty(), accepted);
    }

    /** The base type of {@code content} (its first bytes; the name only refines). */
    static String detect(InputStream content, String filename) throws IOException {
        return MediaType.parse(TIKA.detect(content, filename)).getBaseType().toString();
    }

    /** The JSON body; {@code duration_seconds} only when known. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("url", url.toString());
        json.put("title", title);
        json.put("content_type", contentType);
        json.put("size_bytes", sizeBytes);
        json.put("kind", kind);
        durationSeconds.ifPresent(d -> json.put("duration_seconds", d));
        json.put("importable", importable);
        return json;
    }
}
