package dev.ragstream.query.chat;

import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a chat answer goes: one JSON body at the end ({@link #json}), or server-sent events as it
 * arrives ({@link #events}): {@code sources} ({@code {"sources": […]}}) first, then {@code token}
 * events ({@code {"text": "…"}}) whose texts concatenate to the answer, then {@code done} (the
 * seed's whole answer object) — or, when the answer fails, {@code error} (the problem+json body,
 * with {@code error}, {@code status} and {@code retry_after} when known) and no {@code done}.
 * Tokens may come from another thread than the request's, one at a time.
 */
abstract sealed class ChatReply {

    static ChatReply json(HttpServletResponse response, JsonMapper json) {
        return new Json(response, json);
    }

    static ChatReply events(HttpServletResponse response, JsonMapper json) {
        return new Events(response, json);
    }

    abstract void sources(List<Map<String, Object>> sources);

    abstract void token(String text);

    abstract void done(Map<String, Object> answer);

    /** Ends the reply with {@code error}: thrown on while nothing was sent, else sent as an event. */
    abstract void fail(ApiException error);

    private static final class Json extends ChatReply {
        private final HttpServletResponse response;
        private final JsonMapper json;

        Json(HttpServletResponse response, JsonMapper json) {
            this.response = response;
            this.json = json;
        }

        @Override
        void sources(List<Map<String, Object>> sources) {
        }

        @Override
        void token(String text) {
        }

        @Override
        void done(Map<String, Object> answer) {
            try {
                response.setStatus(200);
                response.setContentType("application/json");
                response.getOutputStream().write(json.writeValueAsBytes(answer));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void fail(ApiException error) {
            throw error;
        }
    }

    private static final class Events extends ChatReply {
        private final EventStream stream;
        private final JsonMapper json;

        Events(HttpServletResponse response, JsonMapper json) {
            this.stream = new EventStream(response);
            this.json = json;
        }

        @Override
        void sources(List<Map<String, Object>> sources) {
            send("sources", Map.of("sources", sources));
        }

        @Override
        void token(String text) {
            if (!text.isEmpty()) {
                send("token", Map.of("text", text));
            }
        }

        @Override
        void done(Map<String, Object> answer) {
            send("done", answer);
        }

        @Override
        void fail(ApiException error) {
            if (!stream.started()) { // nothing sent yet: an ordinary error answer, with its status
                throw error;
            }
            ProblemDetail problem = error.toProblem();
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("type", String.valueOf(problem.getType()));
            body.put("title", problem.getTitle());
            body.put("status", problem.getStatus());
            body.put("detail", problem.getDetail());
            if (problem.getProperties() != null) {
                body.putAll(problem.getProperties());
            }
            send("error", body);
        }

        private void send(String event, Object data) {
            stream.send(event, json.writeValueAsString(data));
        }
    }
}
