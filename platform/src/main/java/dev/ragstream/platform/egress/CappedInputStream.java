package dev.ragstream.platform.egress;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body that fails with {@code too_large} once it passes the cap. It never asks for more than one
 * byte beyond the cap, so the overrun is detected before more than that is pulled from below.
 */
final class CappedInputStream extends InputStream {

    private final InputStream in;
    private final long maxBytes;
    private final String origin;
    private long count;

    CappedInputStream(InputStream in, long maxBytes, String origin) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.origin = origin;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (count > maxBytes) {
            throw tooLarge(origin, maxBytes);
        }
        if (length == 0) {
            return 0;
        }
        // one byte past the cap is enough to notice it; saturating, so a cap near Long.MAX_VALUE cannot overflow
        long room = maxBytes - count;
        int n = in.read(buffer, offset, (int) Math.min(length, room == Long.MAX_VALUE ? room : room + 1));
        if (n > 0) {
            count += n;
            if (count > maxBytes) {
                throw tooLarge(origin, maxBytes);
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static EgressRefusedException tooLarge(String origin, long maxBytes) {
        return new EgressRefusedException(Reason.TOO_LARGE, origin + ": the response body exceeds " + maxBytes + " bytes");
    }
}
