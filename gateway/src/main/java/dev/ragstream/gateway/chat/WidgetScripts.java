package dev.ragstream.gateway.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /chat-widget.js} and {@code GET /customer-widget.js}: the seed's embeddable widgets
 * (public: they hold no tenant data). One script serves both; the name it was loaded by picks the
 * mode (see {@code widget/ragstream-widget.js}). Cached by browsers for five minutes, then
 * revalidated by its ETag.
 */
@RestController
class WidgetScripts {

    private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

    private final byte[] script;
    private final String etag;

    WidgetScripts() {
        try (InputStream in = WidgetScripts.class.getResourceAsStream("/widget/ragstream-widget.js")) {
            if (in == null) {
                throw new IllegalStateException("widget/ragstream-widget.js is missing from the gateway's classpath");
            }
            script = in.readAllBytes();
            etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script), 0, 16) + "\"";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @GetMapping({"/chat-widget.js", "/customer-widget.js"})
    ResponseEntity<byte[]> script(@RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        ResponseEntity.BodyBuilder reply = ResponseEntity.status(etag.equals(ifNoneMatch) ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic()).eTag(etag)
                .header("X-Content-Type-Options", "nosniff");
        return etag.equals(ifNoneMatch) ? reply.build() : reply.contentType(JAVASCRIPT).body(script);
    }
}
