package dev.ragstream.platform.egress;

import java.io.IOException;
import java.io.InputStream;

/** A {@code Content-Length} body: ends after that many bytes; ending earlier is {@code invalid_response}. */
final class FixedLengthInputStream extends InputStream {

    private final InputStream in;
    private final long length;
    private final String origin;
    private long remaining;

    FixedLengthInputStream(InputStream in, long length, String origin) {
        this.in = in;
        this.length = length;
        this.remaining = length;
        this.origin = origin;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (count == 0) {
            return 0;
        }
        int n = in.read(buffer, offset, (int) Math.min(count, remaining));
        if (n < 0) {
            throw Http1Exchange.invalid(origin, "the body ended after " + (length - remaining) + " of " + length + " bytes");
        }
        remaining -= n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
