package dev.ragstream.gateway.urlimport;

import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a JSON request body {@code {"url": "…", …}}: the URL to fetch and the body's other fields. */
public final class UrlRequests {

    /** Bodies larger than this are refused (a URL plus room for whitespace and ignored fields). */
    static final int MAX_BODY = 64 * 1024;

    private UrlRequests() {
    }

    /** Whether the request's body is JSON. */
    public static boolean isJson(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    }

    /** The body's {@code url}. @throws ApiException as {@link #jsonBody} */
    public static String jsonUrl(HttpServletRequest request) {
        return jsonBody(request).get("url").stringValue();
    }

    /** The body, an object with a non-blank string {@code url}. @throws ApiException 400 (not JSON, no string {@code url}), 413 (body over 64 KB) */
    public static JsonNode jsonBody(HttpServletRequest request) {
        if (!isJson(request)) {
            throw ApiException.badRequest("not-json", "Expected a JSON body {\"url\": \"...\"}");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid-json", "Malformed JSON body");
        }
        if (body.length > MAX_BODY) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "The JSON body exceeds " + MAX_BODY / 1024 + " KB");
        }
        try {
            JsonNode root = JsonMapper.shared().readTree(body);
            JsonNode url = root == null ? null : root.get("url");
            if (url != null && url.isString() && !url.stringValue().isBlank()) {
                return root;
            }
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid-json", "Malformed JSON body");
        }
        throw ApiException.badRequest("missing-url", "Missing url");
    }
}
