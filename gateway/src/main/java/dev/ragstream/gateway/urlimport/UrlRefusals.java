package dev.ragstream.gateway.urlimport;

import dev.ragstream.platform.egress.EgressRefusedException;
import dev.ragstream.platform.web.ApiException;
import org.springframework.http.HttpStatus;

/**
 * The HTTP answer to a fetch that did not succeed. The policy's refusals are the client's fault
 * (400 naming the reason code), an upstream error status is 422, a body over the cap 413, a
 * deadline 504 and a failed connection or broken response 502. Nothing the remote server sent is
 * ever echoed; the exception's message names only scheme, host and port.
 */
public final class UrlRefusals {

    private UrlRefusals() {
    }

    /** @param maxBytes the cap the fetch had, for the 413 message */
    public static ApiException toApi(EgressRefusedException e, long maxBytes) {
        String code = e.code();
        return switch (e.reason()) {
            case INVALID_URL, SCHEME_NOT_ALLOWED, PORT_NOT_ALLOWED, ADDRESS_BLOCKED, TOO_MANY_REDIRECTS, UNRESOLVABLE_HOST ->
                    ApiException.badRequest("url-refused", "URL refused: " + code + " (" + e.getMessage() + ")");
            case TOO_LARGE -> new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file-too-large",
                    "The URL's content exceeds the maximum upload size of " + maxBytes / (1024 * 1024) + " MB");
            case HTTP_ERROR -> new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "url-http-error",
                    "The URL answered HTTP " + e.httpStatus().orElse(0));
            case DEADLINE_EXCEEDED -> new ApiException(HttpStatus.GATEWAY_TIMEOUT, "url-timeout",
                    "The URL did not answer in time: " + code);
            case CONNECTION_FAILED, INVALID_RESPONSE -> new ApiException(HttpStatus.BAD_GATEWAY, "url-unreachable",
                    "The URL could not be fetched: " + code);
        };
    }
}
