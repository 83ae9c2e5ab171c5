package dev.ragstream.query.chat;

import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import dev.ragstream.platform.web.ApiException;
import dev.ragstream.platform.web.InternalRequestFilter;
import dev.ragstream.query.QueryProperties;
import dev.ragstream.query.retrieval.MetadataFilter;
import dev.ragstream.query.llm.LlmSettings;
import dev.ragstream.query.llm.Turn;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /internal/v1/chat/completions} (the gateway's {@code /v1/chat/completions}): OpenAI's
 * chat completions API answered like {@code /chat} — from the tenant's documents, by its model or
 * extractively. The last message is the question (it must be the user's); the earlier user and
 * assistant messages are the conversation (the API is stateless: nothing is stored). A client's own
 * system messages are ignored: the tenant's template and grounding rules hold. The answer is a
 * {@code chat.completion} with {@code usage} and, beyond OpenAI's fields, the {@code sources}; with
 * {@code "stream": true} it is {@code chat.completion.chunk} events ended by {@code [DONE]}. Errors
 * carry OpenAI's {@code {"error": {"message", "type", "code"}}} body.
 */
@RestController
class CompletionsController {

    private static final int MAX_MESSAGES = 100;

    private final TenantRegistry tenants;
    private final Answering answering;
    private final QueryProperties properties;
    private final TenantMetrics metrics;
    private final JsonMapper json;

    CompletionsController(TenantRegistry tenants, Answering answering, QueryProperties properties, TenantMetrics metrics,
                          JsonMapper json) {
        this.tenants = tenants;
        this.answering = answering;
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
    }

    @PostMapping("/internal/v1/chat/completions")
    void completions(@RequestHeader(InternalRequestFilter.TENANT_HEADER) String tenantId, @RequestBody JsonNode body,
                     HttpServletResponse response) throws IOException {
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = Instant.now().getEpochSecond();
        String model = "ragstream:" + tenantId;
        boolean stream = body.path("stream").asBoolean(false);
        Chunks chunks = stream ? new Chunks(response, id, created, model) : null;
        try {
            Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new ApiException(
                    org.springframework.http.HttpStatus.NOT_FOUND, "tenant-not-found", "Tenant not found"));
            List<Turn> conversation = conversation(body);
            Optional<LlmSettings> llm = Answering.model(tenant);
            Turn question = conversation.get(conversation.size() - 1);
            List<Turn> history = conversation.subList(Math.max(0, conversation.size() - 1 - ChatController.RECENT_MESSAGES),
                    conversation.size() - 1);
            Answering.Answer answer = answering.answer(tenant, llm, null, MetadataFilter.NONE, history, question.content(), sources -> {
            }, stream ? chunks::content : piece -> {
            });
            metrics.count("chat.completions.requests", tenant.id().value(), "provider", String.valueOf(answer.provider()),
                    "complete", String.valueOf(answer.complete()));
            if (answer.failure() != null) {
                throw answer.failure();
            }
            if (stream) {
                chunks.finish(usage(answer));
                return;
            }
            Map<String, Object> completion = new LinkedHashMap<>();
            completion.put("id", id);
            completion.put("object", "chat.completion");
            completion.put("created", created);
            completion.put("model", model);
            completion.put("choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", answer.text()),
                    "finish_reason", "stop")));
            completion.put("usage", usage(answer));
            completion.put("sources", answer.sources());
            response.setStatus(200);
            response.setContentType("application/json");
            response.getOutputStream().write(json.writeValueAsBytes(completion));
        } catch (ApiException e) {
            if (chunks != null && chunks.started()) {
                chunks.fail(e);
                return;
            }
            response.setStatus(e.status().value());
            if (e.retryAfterSeconds() != null) {
                response.setHeader("Retry-After", e.retryAfterSeconds().toString());
            }
            response.setContentType("application/json");
            response.getOutputStream().write(json.writeValueAsBytes(error(e)));
        }
    }

    /** The request's messages as turns, validated: at least one, the last the user's, none too long. */
    private List<Turn> conversation(JsonNode body) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("invalid-messages", "messages must be a non-empty array");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw ApiException.badRequest("invalid-messages", "At most " + MAX_MESSAGES + " messages");
        }
        List<Turn> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            if (!role.equals("user") && !role.equals("assistant")) {
                continue; // system, developer and tool messages: the tenant's own rules hold
            }
            String content = content(message.get("content"));
            if (content.length() > properties.maxMessageLength()) {
                throw ApiException.badRequest("message-too-long",
                        "Message too long (maximum " + properties.maxMessageLength() + " characters)");
            }
            turns.add(new Turn(role, content));
        }
        if (turns.isEmpty() || !turns.get(turns.size() - 1).fromUser() || turns.get(turns.size() - 1).content().isBlank()) {
            throw ApiException.badRequest("invalid-messages", "The last message must be the user's question");
        }
        return turns;
    }

    /** A message's text: a string, or the text parts of an array of content parts. */
    private static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.asString().strip();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asString(""))) {
                    text.append(part.path("text").asString("")).append('\n');
                }
            }
        }
        return text.toString().strip();
    }

    private static Map<String, Object> usage(Answering.Answer answer) {
        return Map.of("prompt_tokens", answer.inputTokens(), "completion_tokens", answer.outputTokens(),
                "total_tokens", answer.inputTokens() + answer.outputTokens());
    }

    private static Map<String, Object> error(ApiException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", e.status().is5xxServerError() ? "server_error" : "invalid_request_error");
        error.put("code", e.toProblem().getType().getPath().replaceFirst(".*/", ""));
        return Map.of("error", error);
    }

    /** {@code chat.completion.chunk} events: the role, then the answer's pieces, then the finish with usage and {@code [DONE]}. */
    private final class Chunks {
        private final EventStream stream;
        private final String id;
        private final long created;
        private final String model;

        Chunks(HttpServletResponse response, String id, long created, String model) {
            this.stream = new EventStream(response);
            this.id = id;
            this.created = created;
            this.model = model;
        }

        boolean started() {
            return stream.started();
        }

        void content(String piece) {
            if (!piece.isEmpty()) {
                send(chunk(Map.of("content", piece), null, null));
            }
        }

        void finish(Map<String, Object> usage) {
            send(chunk(Map.of(), "stop", usage));
            stream.send(null, "[DONE]");
        }

        void fail(ApiException e) {
            stream.send(null, json.writeValueAsString(error(e)));
        }

        private Map<String, Object> chunk(Map<String, Object> delta, String finish, Map<String, Object> usage) {
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("delta", delta);
            choice.put("finish_reason", finish);
            Map<String, Object> chunk = new LinkedHashMap<>();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", created);
            chunk.put("model", model);
            chunk.put("choices", List.of(choice));
            if (usage != null) {
                chunk.put("usage", usage);
            }
            return chunk;
        }

        private synchronized void send(Map<String, Object> chunk) {
            if (!stream.started()) { // OpenAI's streams open with the assistant's role
                stream.send(null, json.writeValueAsString(chunk(Map.of("role", "assistant", "content", ""), null, null)));
            }
            stream.send(null, json.writeValueAsString(chunk));
        }
    }
}
