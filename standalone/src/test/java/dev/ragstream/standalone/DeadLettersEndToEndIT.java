package dev.ragstream.standalone;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.admin.cli.TenantCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A document that fails permanently in the real pipeline shows up among its tenant's dead letters
 * through the gateway — and only its tenant's — with its reason; a redrive runs it again as a new
 * version, and redriving the same letter again changes nothing.
 */
class DeadLettersEndToEndIT {

    private static final byte[] NO_TEXT = "<html><head><title></title><script>var x = 1;</script></head><body> </body></html>"
            .getBytes(UTF_8);

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created owner;
    static TestTenants.Created other;
    static Standalone system;
    static GatewayClient gateway;
    static String failed;

    @BeforeAll
    static void aDocumentThatFailsPermanently() throws Exception {
        tenants = new TestTenants(home.resolve("tenants"));
        owner = tenants.create("dlt-own");
        other = tenants.create("dlt-oth");
        system = Standalone.start(tenants.settings(home.resolve("data")));
        gateway = new GatewayClient(system.gatewayUrl());
        failed = gateway.upload(owner.id(), owner.uploadKey(), "empty.html", NO_TEXT).text("document_id");
        awaitFailedAtVersion(1);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (tenants != null) {
            tenants.close();
        }
    }

    @Test
    void theFailedDocumentIsListedWithItsReasonForItsTenantOnly() {
        JsonNode letter = letterOf(failed, 1);

        assertThat(letter.path("topic").asString()).isEqualTo("rag.uploads.v1-dlt");
        assertThat(letter.path("reason").asString()).isEqualTo("no_extractable_text");
        assertThat(letter.path("original_topic").asString()).isEqualTo("rag.uploads.v1");
        assertThat(letter.path("original_offset").isIntegralNumber()).isTrue();
        assertThat(letter.path("exception").asString()).isEqualTo("dev.ragstream.platform.kafka.PermanentException");
        GatewayClient.Reply ofOther = gateway.admin("GET", "/admin/dead-letters?size=100", other.id(), other.adminKey(), null);
        assertThat(ofOther.status()).isEqualTo(200);
        assertThat(ofOther.body().toString()).doesNotContain(failed);
        GatewayClient.Reply foreignRedrive = gateway.admin("POST", "/admin/dead-letters/redrive?id=" + letter.path("id").asString(),
                other.id(), other.adminKey(), null);
        assertThat(foreignRedrive.status()).isEqualTo(404);
    }

    @Test
    void aRedriveRunsTheDocumentAgainAsANewVersionAndASecondRedriveOfThatLetterDoesNothing() {
        String id = letterOf(failed, 1).path("id").asString();

        String first = cli("dlt", "redrive", "--tenant=" + owner.id(), "--id=" + id);

        assertThat(first).isEqualTo(id + " " + failed + ": redriven as version 2" + System.lineSeparator()
                + "Redrove 1 dead letters (0 skipped)" + System.lineSeparator());
        awaitFailedAtVersion(2); // the same empty page fails again, as the new version
        assertThat(letterOf(failed, 2).path("reason").asString()).isEqualTo("no_extractable_text");

        String second = cli("dlt", "redrive", "--tenant=" + owner.id(), "--id=" + id);

        assertThat(second).isEqualTo(id + " " + failed + ": skipped (document moved on: failed at version 2)"
                + System.lineSeparator() + "Redrove 0 dead letters (1 skipped)" + System.lineSeparator());
        JsonNode document = gateway.admin("GET", "/admin/documents/" + failed, owner.id(), owner.adminKey(), null).body();
        assertThat(document.path("status").asString() + " v" + document.path("version").asInt()).isEqualTo("failed v2");
        String list = cli("dlt", "list", "--tenant=" + owner.id());
        assertThat(list.lines().toList()).hasSize(4).last().isEqualTo("2 dead letters");
    }

    private static void awaitFailedAtVersion(int version) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode doc = gateway.admin("GET", "/admin/documents/" + failed, owner.id(), owner.adminKey(), null).body();
            assertThat(doc.path("status").asString()).isEqualTo("failed");
            assertThat(doc.path("version").asInt()).isEqualTo(version);
        });
    }

    /** The owner's dead letter of {@code document} at {@code version}, once it is there. */
    private static JsonNode letterOf(String document, int version) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            GatewayClient.Reply list = gateway.admin("GET", "/admin/dead-letters?size=100", owner.id(), owner.adminKey(), null);
            assertThat(list.status()).isEqualTo(200);
            List<JsonNode> items = list.body().path("items").valueStream()
                    .filter(item -> item.path("document_id").asString().equals(document) && item.path("version").asInt() == version)
                    .toList();
            return items.isEmpty() ? null : items.get(0);
        }, letter -> letter != null);
    }

    /** Runs {@code bin/tenant <args>} against this system's gateway; its stdout, after checking it succeeded. */
    private static synchronized String cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, UTF_8));
            String[] all = new String[args.length + 2];
            all[0] = "--tenants-dir=" + tenants.dir();
            System.arraycopy(args, 0, all, 1, args.length);
            all[all.length - 1] = "--gateway=" + system.gatewayUrl();
            exit = TenantCli.run(all);
        } finally {
            System.setOut(out);
        }
        assertThat(exit).as(captured.toString(UTF_8)).isZero();
        // the services in this JVM log to the same stdout: their lines are not the CLI's
        return captured.toString(UTF_8).lines().filter(line -> !line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
                .map(line -> line + System.lineSeparator()).collect(java.util.stream.Collectors.joining());
    }
}
