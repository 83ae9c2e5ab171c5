package dev.ragstream.query.chat;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response of server-sent events: the status and headers go out with the first event, each
 * event is flushed at once. Thread-safe (tokens arrive on the model client's thread). When the
 * client goes away the rest is dropped: the answer still completes and is recorded, nobody is left
 * to read it — and it is no failure of the provider's.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    private final HttpServletResponse response;
    private OutputStream out;
    private boolean clientGone;

    EventStream(HttpServletResponse response) {
        this.response = response;
    }

    /** Whether an event went out (then the status is sent: an error can only be another event). */
    synchronized boolean started() {
        return out != null;
    }

    /** Sends one event: {@code event: <name>} when a name is given, then {@code data: <data>}. */
    synchronized void send(String name, String data) {
        if (clientGone) {
            return;
        }
        try {
            if (out == null) {
                response.setStatus(200);
                response.setContentType("text/event-stream;charset=UTF-8");
                response.setHeader("Cache-Control", "no-cache");
                response.setHeader("X-Accel-Buffering", "no");
                out = response.getOutputStream();
            }
            out.write(((name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            clientGone = true;
            log.info("Answer stream closed by the client");
        }
    }
}
