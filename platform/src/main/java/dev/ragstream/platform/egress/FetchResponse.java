package dev.ragstream.platform.egress;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A successful (2xx) response whose body has not been read yet. The caller owns it and must
 * {@link #close()} it (try-with-resources); that closes the connection. Not thread-safe.
 */
public final class FetchResponse implements Closeable {

    private final int status;
    private final URI url;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final Socket socket;

    FetchResponse(int status, URI url, Map<String, List<String>> headers, InputStream body, Socket socket) {
        this.status = status;
        this.url = url;
        this.headers = headers;
        this.body = body;
        this.socket = socket;
    }

    public int status() {
        return status;
    }

    /** The URL that answered, after redirects, without fragment; its path and query are percent-encoded. */
    public URI url() {
        return url;
    }

    /** All header fields; names case-insensitive, values in the order received. Unmodifiable. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header field. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The {@code Content-Type} as sent (with parameters such as charset), if any. */
    public Optional<String> contentType() {
        return header("Content-Type");
    }

    /** The declared {@code Content-Length}, if any and if the body is not chunked. */
    public OptionalLong contentLength() {
        if (headers.containsKey("Transfer-Encoding")) {
            return OptionalLong.empty();
        }
        return header("Content-Length").filter(v -> v.matches("\\d{1,18}")).map(v -> OptionalLong.of(Long.parseLong(v)))
                .orElse(OptionalLong.empty());
    }

    /**
     * The body, de-chunked but otherwise as sent (a server that ignores {@code Accept-Encoding:
     * identity} may still compress it; see {@code Content-Encoding}). Can be read once. Reading
     * keeps the fetch's deadline and byte cap: it throws {@link EgressRefusedException} with
     * {@code deadline_exceeded}, {@code too_large} or {@code invalid_response} (truncated body).
     * Closing it closes the response.
     */
    public InputStream body() {
        return body;
    }

    /** Closes the connection; idempotent. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
