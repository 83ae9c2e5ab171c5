package dev.ragstream.platform.egress;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/** A {@code Transfer-Encoding: chunked} body, decoded; a truncated or malformed one is {@code invalid_response}. */
final class ChunkedInputStream extends InputStream {

    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,15}");
    private static final int MAX_TRAILERS = 100;

    private final InputStream in;
    private final String origin;
    private long leftInChunk;
    private boolean chunkEndPending;
    private boolean done;

    ChunkedInputStream(InputStream in, String origin) {
        this.in = in;
        this.origin = origin;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (done) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (leftInChunk == 0 && !nextChunk()) {
            done = true;
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, leftInChunk));
        if (n < 0) {
            throw Http1Exchange.invalid(origin, "the chunked body is truncated");
        }
        leftInChunk -= n;
        chunkEndPending = leftInChunk == 0;
        return n;
    }

    /** Reads the next chunk header; false at the last chunk, after its trailers. */
    private boolean nextChunk() throws IOException {
        if (chunkEndPending && !"".equals(Http1Exchange.readLine(in, origin))) {
            throw Http1Exchange.invalid(origin, "a chunk does not end with CRLF");
        }
        chunkEndPending = false;
        String line = Http1Exchange.readLine(in, origin);
        String size = line == null ? "" : line.split(";", 2)[0].strip();
        if (!CHUNK_SIZE.matcher(size).matches()) {
            throw Http1Exchange.invalid(origin, "malformed chunk size");
        }
        leftInChunk = Long.parseLong(size, 16);
        if (leftInChunk > 0) {
            return true;
        }
        for (int i = 0; i <= MAX_TRAILERS; i++) {
            String trailer = Http1Exchange.readLine(in, origin);
            if (trailer == null) {
                throw Http1Exchange.invalid(origin, "the chunked body is truncated");
            }
            if (trailer.isEmpty()) {
                return false;
            }
        }
        throw Http1Exchange.invalid(origin, "too many trailer fields");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
