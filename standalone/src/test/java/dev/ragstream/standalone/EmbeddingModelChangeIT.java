package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.fixtures.Fixtures;
import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A tenant changes its embedding model while visitors keep chatting: the new generation is filled
 * beside the old one, queries switch to it at once when it is complete, not one chat fails or goes
 * without context meanwhile; the switch can be rolled back (the old generation kept up with new
 * documents), and the generation left behind can be dropped.
 */
class EmbeddingModelChangeIT {

    private static final String KEY = "sk-test-model-change-51c2";
    private static final String QUESTION = "How many vacation days do employees get?";

    @TempDir
    static Path home;

    static FakeOpenAiEmbeddingsServer openAi;
    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void startWithATenantOnTheLocalModel() throws Exception {
        openAi = FakeOpenAiEmbeddingsServer.start().requireApiKey(KEY);
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("emb-change");
        system = Standalone.start(tenants.settings(home.resolve("data"), Map.of(
                "ragstream.embed.fill-interval", "500ms", "ragstream.embed.switch-after", "3s",
                "ragstream.platform.tenant-poll-interval", "500ms")));
        gateway = new GatewayClient(system.gatewayUrl());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
        if (openAi != null) {
            openAi.close();
        }
    }

    @Test
    void changingTheModelFillsANewGenerationAndSwitchesWithoutOneChatFailingThenRollsBackAndDrops() throws Exception {
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "handbook.md", Fixtures.bytes(Fixtures.HANDBOOK));
        TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "zebra-facts.txt", Fixtures.bytes(Fixtures.ZEBRA_FACTS));
        List<String> chats = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean chatting = new AtomicBoolean(true);
        Thread visitor = new Thread(() -> {
            for (int visit = 0; chatting.get(); visit++) { // a session each: one would reach MAX_CONVERSATION_MESSAGES
                GatewayClient.Reply reply = gateway.chat(tenant.id(), tenant.chatKey(), "s-visitor-" + visit, QUESTION);
                JsonNode first = reply.body().path("sources").path(0);
                chats.add(reply.status() + ":" + reply.body().path("context_used").asBoolean() + ":"
                        + first.path("filename").asString());
            }
        });
        visitor.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> chats.size() >= 5);

            tenant = tenants.rewrite(tenant, Map.of("EMBEDDING_PROVIDER", "openai", "EMBEDDING_MODEL", "text-embedding-3-small",
                    "EMBEDDING_DIMENSIONS", "64", "EMBEDDING_API_KEY", KEY, "EMBEDDING_BASE_URL", openAi.baseUrl().toString()));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> states().equals(List.of("2:openai:64:active:1.0", "1:local:384:retired:1.0")));
            int atSwitch = chats.size();
            assertThat(tenant.query("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " WHERE c.relname = 'chunk_vectors_g2_hnsw' AND i.indisvalid"))
                    .as("the new generation was loaded first, then indexed in one go, before queries switched").containsExactly("1");
            await().atMost(Duration.ofSeconds(30)).until(() -> chats.size() >= atSwitch + 5);
        } finally {
            chatting.set(false);
            visitor.join();
        }
        assertThat(chats).as("every chat before, during and after the switch").allMatch(c -> c.equals("200:true:handbook.md"));
        assertThat(openAi.requests()).as("questions embedded by the new model after the switch")
                .anyMatch(r -> r.input().equals(List.of(QUESTION)));
        assertThat(tenant.query("SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.generation = 2"
                + " AND (v.document_id, v.version, v.chunk_index) = (c.document_id, c.version, c.chunk_index))")).containsExactly("0");

        // a document after the switch gets vectors of both generations, so the old one can come back complete
        String later = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "cellar.md",
                "# Cellar\n\nThe wine cellar keeps eleven barrels of cider at twelve degrees.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(tenant.query("SELECT string_agg(DISTINCT generation::text, ',' ORDER BY generation::text) FROM chunk_vectors"
                + " WHERE document_id = '" + later + "'")).containsExactly("1,2");

        GatewayClient.Reply rollback = gateway.admin("POST", "/admin/embeddings/generations/1/activate", tenant.id(),
                tenant.adminKey(), null);
        assertThat(rollback.status()).isEqualTo(200);
        tenant = tenants.rewrite(tenant, Map.of("EMBEDDING_PROVIDER", "local"));
        assertThat(states()).containsExactly("1:local:384:active:1.0", "2:openai:64:retired:1.0");
        GatewayClient.Reply cellar = gateway.chat(tenant.id(), tenant.chatKey(), "s-2", "How many barrels of cider are in the cellar?");
        assertThat(cellar.body().path("sources").path(0).path("filename").asString()).isEqualTo("cellar.md");

        assertThat(gateway.admin("DELETE", "/admin/embeddings/generations/1", tenant.id(), tenant.adminKey(), null).status())
                .as("the active generation cannot be dropped").isEqualTo(409);
        assertThat(gateway.admin("DELETE", "/admin/embeddings/generations/2", tenant.id(), tenant.adminKey(), null).status())
                .isEqualTo(200);
        assertThat(states()).containsExactly("1:local:384:active:1.0");
        assertThat(tenant.query("SELECT count(*) FROM chunk_vectors WHERE generation = 2")).containsExactly("0");
        assertThat(tenant.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'chunk_vectors_g2_hnsw'")).containsExactly("0");
    }

    /** Each generation as {@code number:provider:dimension:state:progress}, as the admin API shows them. */
    private static List<String> states() {
        GatewayClient.Reply reply = gateway.admin("GET", "/admin/embeddings", tenant.id(), tenant.adminKey(), null);
        assertThat(reply.status()).isEqualTo(200);
        List<String> states = new ArrayList<>();
        for (JsonNode g : reply.body().path("generations")) {
            states.add(g.path("generation").asInt() + ":" + g.path("provider").asString() + ":" + g.path("dimension").asInt()
                    + ":" + g.path("state").asString() + ":" + g.path("progress").asDouble());
        }
        return states;
    }
}
