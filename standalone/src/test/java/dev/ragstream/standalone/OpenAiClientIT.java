package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.testsupport.fixtures.Fixtures;
import dev.ragstream.testsupport.llm.FakeLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions} driven by the official {@code openai} npm package (installed
 * by {@code bin/ragstream test} with {@code npm ci} in {@code src/test/node}): a completion, a
 * stream, the tenant named by header instead of model, and a wrong key — as any OpenAI SDK user
 * would call a tenant's knowledge base.
 */
class OpenAiClientIT {

    private static final String QUESTION = "How many vacation days do employees get?";
    private static final String ANSWER = "Employees get 27 vacation days a year [1].";
    private static final Path CLIENT = Path.of("src/test/node");

    @TempDir
    static Path home;

    static FakeLlmServer llm;
    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;

    @BeforeAll
    static void start() throws IOException {
        llm = FakeLlmServer.start().setDefaultAnswer(ANSWER);
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.rewrite(tenants.create("sdk"), Map.of("LLM_PROVIDER", "openai", "OPENAI_API_KEY", "sk-test",
                "OPENAI_BASE_URL", llm.openAiBaseUrl()));
        system = Standalone.start(tenants.settings(home.resolve("data")));
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(new GatewayClient(system.gatewayUrl()), tenant, "handbook.md",
                Fixtures.bytes(Fixtures.HANDBOOK));
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
        }
    }

    @Test
    void theOfficialOpenAiClientChatsWithATenantsDocumentsStreamedAndNot() throws Exception {
        assertThat(CLIENT.resolve("node_modules/openai")).as("run npm ci in standalone/src/test/node (bin/ragstream test does)")
                .isDirectory();
        Process node = new ProcessBuilder("node", "openai-client.mjs", system.gatewayUrl(), tenant.chatKey(), tenant.id(), QUESTION)
                .directory(CLIENT.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        Map<String, JsonNode> checks = new HashMap<>();
        output.lines().filter(line -> line.startsWith("{")).map(line -> JsonMapper.shared().readTree(line))
                .forEach(check -> checks.put(check.path("check").asString(), check));

        JsonNode completion = checks.get("completion");
        assertThat(completion.path("object").asString()).isEqualTo("chat.completion");
        assertThat(completion.path("model").asString()).isEqualTo("ragstream:" + tenant.id());
        assertThat(completion.path("content").asString()).isEqualTo(ANSWER);
        assertThat(completion.path("finish").asString()).isEqualTo("stop");
        assertThat(completion.path("usage").path("total_tokens").asInt()).isPositive();
        JsonNode stream = checks.get("stream");
        assertThat(stream.path("content").asString()).isEqualTo(ANSWER);
        assertThat(stream.path("chunks").asInt()).as("the answer arrives piece by piece").isGreaterThan(3);
        assertThat(stream.path("finish").asString()).isEqualTo("stop");
        assertThat(checks.get("header").path("content").asString()).isEqualTo(ANSWER);
        assertThat(checks.get("wrong-key").path("status").asInt()).isEqualTo(401);
        assertThat(checks.get("wrong-key").path("name").asString()).isEqualTo("AuthenticationError");
        assertThat(llm.requests()).allSatisfy(r -> assertThat(r.lastUserMessage()).contains("<passages>"));
    }

    @Test
    void aRequestWhoseLastMessageIsNotTheUsersGetsOpenAisErrorShape() throws Exception {
        String body = "{\"model\": \"ragstream:" + tenant.id() + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"},"
                + " {\"role\": \"assistant\", \"content\": \"Hello\"}]}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(system.gatewayUrl() + "/v1/chat/completions")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + tenant.chatKey()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JsonMapper.shared().readTree(response.body()).path("error");
        assertThat(error.path("message").asString()).isEqualTo("The last message must be the user's question");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(Files.exists(CLIENT.resolve("package-lock.json"))).isTrue();
    }
}
