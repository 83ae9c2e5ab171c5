package dev.ragstream.platform.egress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

/** Opens a TCP connection to an already validated address; tests substitute one to count bytes. */
@FunctionalInterface
interface SocketOpener {

    Socket open(InetAddress address, int port, int timeoutMillis) throws IOException;

    /** A direct connection: no SOCKS proxy, whatever the JVM's proxy settings, and no name lookup. */
    SocketOpener DIRECT = (address, port, timeoutMillis) -> {
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    };
}
