package dev.ragstream.platform.egress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Connects like the real opener, and records where it connected and how many bytes came off the wire. */
final class CountingOpener implements SocketOpener {

    final List<InetAddress> connectedTo = new CopyOnWriteArrayList<>();
    final AtomicLong bytesRead = new AtomicLong();

    @Override
    public Socket open(InetAddress address, int port, int timeoutMillis) throws IOException {
        Socket socket = new CountingSocket();
        try {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        connectedTo.add(address);
        return socket;
    }

    private final class CountingSocket extends Socket {

        CountingSocket() {
            super(Proxy.NO_PROXY);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int c = super.read();
                    if (c >= 0) {
                        bytesRead.incrementAndGet();
                    }
                    return c;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        bytesRead.addAndGet(n);
                    }
                    return n;
                }
            };
        }
    }
}
