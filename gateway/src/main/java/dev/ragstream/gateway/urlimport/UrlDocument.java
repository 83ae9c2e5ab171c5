package dev.ragstream.gateway.urlimport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * A fetched URL ready to be staged: a suggested file name (not yet sanitised) and the content,
 * still streaming from the remote server under the fetch's deadline and byte cap, so reading it
 * may throw {@link dev.ragstream.platform.egress.EgressRefusedException} (map it with
 * {@link UrlRefusals#toApi}). The caller owns it and closes it.
 */
public final class UrlDocument implements Closeable {

    private final URI source;
    private final String filename;
    private final InputStream content;
    private final Closeable connection;

    UrlDocument(URI source, String filename, InputStream content, Closeable connection) {
        this.source = source;
        this.filename = filename;
        this.content = content;
        this.connection = connection;
    }

    /** The URL that answered, after redirects. */
    public URI source() {
        return source;
    }

    public String filename() {
        return filename;
    }

    /** Readable once. */
    public InputStream content() {
        return content;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
