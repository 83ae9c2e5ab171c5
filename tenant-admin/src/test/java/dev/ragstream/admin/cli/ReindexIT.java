package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.env;
import static dev.ragstream.admin.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tenant reindex} against a local server speaking the gateway's admin contract for
 * documents (the end-to-end test through the real gateway lives in the standalone module).
 */
class ReindexIT {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path temp;

    private Path tenants;
    private String id;
    private LocalAdminGateway gateway;

    @BeforeEach
    void startGateway() throws IOException {
        tenants = temp.resolve("tenants");
        id = createTenant(tenants, "--no-provision");
        gateway = new LocalAdminGateway(id, env(tenants, id).get("ADMIN_API_KEY"));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void reindexesEveryIndexedAndFailedDocumentAcrossPagesAndLeavesBusyOnesAlone() {
        List<LocalAdminGateway.Doc> indexed = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            indexed.add(gateway.add("doc-" + i + ".md", "indexed", true));
        }
        LocalAdminGateway.Doc failed = gateway.add("scan\nforged line.pdf", "failed", true);
        LocalAdminGateway.Doc busy = gateway.add("busy.md", "embedding", true);
        LocalAdminGateway.Doc queued = gateway.add("new.md", "queued", true);

        Result result = reindexing();

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(132).endsWith("Reindexing 131 documents (0 refused)");
        assertThat(lines).contains(indexed.get(0).id + " doc-0.md: queued as version 2",
                indexed.get(129).id + " doc-129.md: queued as version 2",
                failed.id + " scan?forged line.pdf: queued as version 2");
        assertThat(gateway.reindexRequests()).hasSize(131).doesNotHaveDuplicates()
                .noneMatch(r -> r.contains(busy.id) || r.contains(queued.id));
        assertThat(gateway.requests).filteredOn(r -> r.startsWith("GET /admin/documents")).hasSize(3);
        assertThat(busy.status).isEqualTo("embedding");
    }

    @Test
    void reindexesOneDocumentByItsIdAndNoOther() {
        LocalAdminGateway.Doc handbook = gateway.add("handbook.md", "indexed", true);
        gateway.add("other.md", "indexed", true);

        Result result = reindexing("--document=" + handbook.id);

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(handbook.id + " handbook.md: queued as version 2" + NL
                + "Reindexing 1 documents (0 refused)" + NL);
        assertThat(gateway.reindexRequests()).containsExactly("POST /admin/documents/" + handbook.id + "/reindex");
    }

    @Test
    void aDocumentTheGatewayRefusesIsListedWithItsReasonAndTheExitCodeIsNonZero() {
        LocalAdminGateway.Doc good = gateway.add("good.md", "indexed", true);
        LocalAdminGateway.Doc unconverted = gateway.add("empty.pdf", "failed", false);

        Result result = reindexing();

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).isEmpty();
        assertThat(result.out().lines()).containsExactly(good.id + " good.md: queued as version 2",
                unconverted.id + " empty.pdf: Document has no converted text to reindex; upload it again",
                "Reindexing 1 documents (1 refused)");
    }

    @Test
    void aBusyOrUnknownSingleDocumentIsRefusedWithTheGatewaysMessage() {
        LocalAdminGateway.Doc busy = gateway.add("busy.md", "chunking", true);
        String unknown = "00000000-0000-0000-0000-000000000042";

        Result busyResult = reindexing("--document=" + busy.id);
        Result unknownResult = reindexing("--document=" + unknown);

        assertThat(busyResult.exit()).isEqualTo(1);
        assertThat(busyResult.out().lines()).containsExactly(
                busy.id + " busy.md: Document is being processed; reindex it once it is indexed or failed",
                "Reindexing 0 documents (1 refused)");
        assertThat(unknownResult.exit()).isEqualTo(1);
        assertThat(unknownResult.out().lines()).containsExactly(unknown + ": Document not found",
                "Reindexing 0 documents (1 refused)");
        assertThat(busy.status).isEqualTo("chunking");
    }

    @Test
    void waitPollsEachDocumentUntilIndexedOrFailedAndReportsBoth() {
        LocalAdminGateway.Doc good = gateway.add("good.md", "indexed", true);
        LocalAdminGateway.Doc broken = gateway.add("broken.bin", "failed", true);

        Result result = reindexing("--wait");

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.out().lines()).containsExactly(good.id + " good.md: queued as version 2",
                broken.id + " broken.bin: queued as version 2", "Reindexing 2 documents (0 refused)",
                "Indexed 1 documents (1 failed)", "Failed:", "  " + broken.id + " broken.bin: unsupported_type");
        assertThat(result.err().lines()).endsWith("[####################] 2/2 indexed or failed");
        assertThat(good.status).isEqualTo("indexed");
        assertThat(gateway.requests).filteredOn(r -> r.equals("GET /admin/documents/" + good.id)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void waitGivesUpAfterItsTimeoutNamingWhatIsStillPending() {
        LocalAdminGateway.Doc doc = gateway.add("stuck.md", "indexed", true);

        Result result = reindexing("--wait", "--wait-timeout=1s", "--document=" + doc.id);

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("Reindexing 1 documents (0 refused)");
        assertThat(result.err().lines()).last().asString()
                .isEqualTo("Error: gave up waiting after 1s: 1 documents not yet indexed (queued=1)");
    }

    @Test
    void aRefusedAdminKeyStopsTheCommandWithOneLineThatDoesNotEchoTheKey() throws IOException {
        gateway.add("good.md", "indexed", true);
        Cli.setVariable(tenants, id, "ADMIN_API_KEY", "rsk_not_the_right_admin_key");

        Result result = reindexing();

        assertOneLineFailure(result, 1).isEqualTo("Error: the gateway refused admin requests for tenant " + id
                + ": Invalid API key (HTTP 401)");
        assertThat(result.err() + result.out()).doesNotContain("rsk_not_the_right_admin_key");
        assertThat(gateway.reindexRequests()).isEmpty();
    }

    @Test
    void aTenantWithoutAnAdminKeyIsRefusedBeforeAnyRequest() throws IOException {
        Cli.setVariable(tenants, id, "ADMIN_API_KEY", "");

        Result result = reindexing();

        assertOneLineFailure(result, 1).isEqualTo("Error: tenant " + id
                + " has no ADMIN_API_KEY: run 'tenant regenerate-keys " + id + "'");
        assertThat(gateway.requests).isEmpty();
    }

    @Test
    void anUnreachableGatewayFailsWithOneLine() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Result result = run(tenants, "reindex", "--tenant=" + id, "--gateway=http://127.0.0.1:" + closedPort);

        assertOneLineFailure(result, 1).startsWith("Error: cannot reach the gateway at http://127.0.0.1:" + closedPort + ": ")
                .containsIgnoringCase("connection refused");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anInvalidOrUnknownTenantFailsWithOneLineBeforeAnyRequest() {
        Result invalid = run(tenants, "reindex", "--tenant=../" + id, "--gateway=" + gateway.url());
        Result unknown = run(tenants, "reindex", "--tenant=it-no-such-tenant", "--gateway=" + gateway.url());

        assertOneLineFailure(invalid, 1).startsWith("Error: Invalid tenant id");
        assertOneLineFailure(unknown, 1).startsWith("Error: unknown tenant it-no-such-tenant");
        assertThat(invalid.out() + unknown.out()).isEmpty();
        assertThat(gateway.requests).isEmpty();
    }

    @Test
    void aDocumentIdThatIsNotAUuidIsAnInvalidCommandLine() {
        Result result = reindexing("--document=handbook.md");

        assertOneLineFailure(result, 2).startsWith("Error: ").contains("--document", "handbook.md", "--help");
        assertThat(gateway.requests).isEmpty();
    }

    @Test
    void aGatewayUrlThatIsNotHttpIsRefused() {
        Result result = run(tenants, "reindex", "--tenant=" + id, "--gateway=ftp://127.0.0.1:21");

        assertOneLineFailure(result, 1).isEqualTo("Error: --gateway must be an http(s) URL such as http://127.0.0.1:8080,"
                + " was ftp://127.0.0.1:21");
    }

    private Result reindexing(String... args) {
        List<String> all = new ArrayList<>(List.of("reindex", "--tenant=" + id, "--gateway=" + gateway.url() + "/"));
        all.addAll(List.of(args));
        return run(tenants, all.toArray(String[]::new));
    }
}
