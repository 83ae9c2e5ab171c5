package dev.ragstream.platform.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1 that writes exactly the bytes a script gives it, for wire-level cases the JDK
 * server cannot produce (no framing, interim responses, malformed heads, trickling). Each connection
 * gets the script after the request head has arrived; closing the server releases waiting scripts.
 */
final class RawHttpServer implements AutoCloseable {

    /** Writes a response; may wait on {@code stop}, which is released when the server closes. */
    @FunctionalInterface
    interface Script {
        void respond(OutputStream out, CountDownLatch stop) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final boolean awaitRequest;
    private final CountDownLatch stop = new CountDownLatch(1);
    final AtomicInteger connections = new AtomicInteger();

    RawHttpServer(Script script) throws IOException {
        this(true, script);
    }

    /** @param awaitRequest false to answer at once, before anything arrives (a TLS client waits for the server) */
    RawHttpServer(boolean awaitRequest, Script script) throws IOException {
        this.awaitRequest = awaitRequest;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptUntilClosed(script), "raw-http-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptUntilClosed(Script script) {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                connections.incrementAndGet();
                if (awaitRequest) {
                    skipRequestHead(socket.getInputStream());
                }
                script.respond(socket.getOutputStream(), stop);
            } catch (IOException | InterruptedException e) {
                // the client went away or the server closed: next connection, or done
            }
        }
    }

    /** Reads up to the blank line that ends a request head (or the first 64 KB of whatever came). */
    private static void skipRequestHead(InputStream in) throws IOException {
        int lastFour = 0;
        for (int i = 0, c; i < 64 * 1024 && (c = in.read()) != -1; i++) {
            lastFour = lastFour << 8 | c;
            if (lastFour == 0x0D0A0D0A) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        stop.countDown();
        listener.close();
    }
}
