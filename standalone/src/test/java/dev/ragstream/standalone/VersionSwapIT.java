package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.testsupport.openai.FakeOpenAiEmbeddingsServer;
import dev.ragstream.testsupport.openai.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A new version of a document is indexed in many messages, slowly, while a visitor keeps asking
 * about it: every answer's passages come from one version only, the old one until the new one is
 * complete, then the new one, never both and never back.
 */
class VersionSwapIT {

    private static final String KEY = "sk-test-version-swap-90ab";
    private static final String QUESTION = "How is the calibration step of the scanner done?";

    @TempDir
    static Path home;

    static FakeOpenAiEmbeddingsServer openAi;
    static TestTenants tenants;
    static TestTenants.Created tenant;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void startWithSmallChunkMessages() throws Exception {
        openAi = FakeOpenAiEmbeddingsServer.start().requireApiKey(KEY);
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.rewrite(tenants.create("swap"), Map.of("EMBEDDING_PROVIDER", "openai",
                "EMBEDDING_MODEL", "text-embedding-3-small", "EMBEDDING_DIMENSIONS", "64", "EMBEDDING_API_KEY", KEY,
                "EMBEDDING_BASE_URL", openAi.baseUrl().toString()));
        // a few chunks per message: a version arrives in many transactions
        system = Standalone.start(tenants.settings(home.resolve("data"), Map.of("ragstream.ingest.max-message-bytes", "2KB")));
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
    void queriesSeeTheOldVersionUntilTheNewOneIsCompleteThenOnlyTheNewOne() throws Exception {
        String id = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, tenant, "scanner.md", manual("alpha"));
        List<Set<String>> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean asking = new AtomicBoolean(true);
        Thread visitor = new Thread(() -> {
            for (int visit = 0; asking.get(); visit++) { // a session each: the same first question every time
                GatewayClient.Reply reply = gateway.chat(tenant.id(), tenant.chatKey(), "s-visitor-" + visit, QUESTION);
                Set<String> versions = new TreeSet<>();
                for (JsonNode source : reply.body().path("sources")) {
                    versions.add(source.path("heading_path").asString().replaceAll("^Scanner manual (\\w+).*$", "$1"));
                }
                seen.add(reply.status() == 200 ? versions : Set.of("HTTP " + reply.status()));
            }
        });
        visitor.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 5);
            openAi.answerNext(40, Reply.delayed(Duration.ofMillis(150))); // the new version's messages take a while each
            int requestsBefore = openAi.requests().size();
            GatewayClient.Reply second = gateway.upload(tenant.id(), tenant.uploadKey(), "scanner.md", manual("beta"));
            assertThat(second.status()).isEqualTo(202);
            assertThat(second.text("document_id")).isEqualTo(id);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tenant.query("SELECT status || ':' || active_version FROM documents WHERE id = '" + id + "'")
                            .equals(List.of("indexed:2")));
            int atSwap = seen.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= atSwap + 5);
            assertThat(openAi.requests().subList(requestsBefore, openAi.requests().size()))
                    .filteredOn(r -> !r.input().equals(List.of(QUESTION))).as("the new version was embedded").isNotEmpty();
            assertThat(Integer.parseInt(tenant.query("SELECT count(DISTINCT created_at) FROM chunks WHERE document_id = '" + id
                    + "' AND version = 2").get(0))).as("the new version's chunks were written in several transactions")
                    .isGreaterThan(3);
        } finally {
            asking.set(false);
            visitor.join();
        }

        assertThat(seen).allSatisfy(versions -> assertThat(versions).hasSize(1).isSubsetOf("alpha", "beta"));
        int firstBeta = seen.indexOf(Set.of("beta"));
        assertThat(firstBeta).as("the new version was seen").isPositive();
        assertThat(seen.subList(firstBeta, seen.size())).as("never the old version after the new one").containsOnly(Set.of("beta"));
        assertThat(tenant.query("SELECT DISTINCT version::text FROM chunks WHERE document_id = '" + id + "'")).containsExactly("2");
        assertThat(tenant.query("SELECT DISTINCT version::text FROM chunk_vectors WHERE document_id = '" + id + "'")).containsExactly("2");
    }

    /** A manual of 30 sections, each a chunk of its own, all under "Scanner manual <edition>". */
    private static byte[] manual(String edition) {
        StringBuilder text = new StringBuilder("# Scanner manual " + edition + "\n\n");
        for (int section = 1; section <= 30; section++) {
            text.append("## Step ").append(section).append("\n\nThe calibration step ").append(section)
                    .append(" of the scanner is done with the grey card held at ").append(10 + section)
                    .append(" centimetres, edition ").append(edition).append(".\n\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
