package dev.ragstream.platform.egress;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input whose every read may block only for what is left of the deadline, so a server
 * that trickles one byte at a time cannot stretch the fetch.
 */
final class DeadlineInputStream extends InputStream {

    private final InputStream in;
    private final Socket socket;
    private final Deadline deadline;

    DeadlineInputStream(Socket socket, Deadline deadline) throws IOException {
        this.in = socket.getInputStream();
        this.socket = socket;
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        socket.setSoTimeout(deadline.remainingMillis());
        try {
            return in.read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            throw deadline.exceeded(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
