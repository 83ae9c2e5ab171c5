package dev.ragstream.admin.cli;

import static dev.ragstream.admin.cli.Cli.assertOneLineFailure;
import static dev.ragstream.admin.cli.Cli.createTenant;
import static dev.ragstream.admin.cli.Cli.env;
import static dev.ragstream.admin.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragstream.admin.cli.Cli.FakeTerminal;
import dev.ragstream.admin.cli.Cli.Result;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tenant import} against a local server speaking the gateway's upload contract (the
 * end-to-end test through the real gateway lives in the standalone module).
 */
class ImportIT {

    @TempDir
    Path temp;

    private Path tenants;
    private String id;
    private LocalGateway gateway;

    @BeforeEach
    void startGateway() throws IOException {
        tenants = temp.resolve("tenants");
        id = createTenant(tenants, "--no-provision");
        gateway = new LocalGateway(id, env(tenants, id).get("UPLOAD_API_KEY"));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void uploadsFilesAndFoldersRecursivelySkippingHiddenOnes() throws IOException {
        Path docs = temp.resolve("docs");
        write(docs.resolve("handbook.md"), "# Handbook");
        write(docs.resolve("faq/questions \"2024\".txt"), "Q: why?");
        write(docs.resolve(".draft.md"), "secret draft");
        write(docs.resolve(".git/config"), "[core]");
        Path single = write(temp.resolve("zebra.html"), "<p>zebra</p>");

        Result result = importing(single.toString(), docs.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out().lines()).hasSize(2).first().isEqualTo("Imported 3 files (0 failed)");
        assertThat(result.out().lines().skip(1).findFirst().orElseThrow())
                .matches("Upload job: /upload/jobs/[0-9a-f-]{36}\\?tenant=" + id);
        assertThat(gateway.requests).filteredOn(r -> r.startsWith("POST /upload"))
                .as("one job for the whole import").hasSize(3).extracting(r -> r.replaceAll(".*&job=", "")).containsOnly(
                        result.out().lines().skip(1).findFirst().orElseThrow().replaceAll(".*/jobs/([0-9a-f-]{36}).*", "$1"));
        assertThat(gateway.received).extracting(LocalGateway.Received::filename)
                .containsExactly("zebra.html", "questions %222024%22.txt", "handbook.md");
        assertThat(gateway.received).extracting(received -> new String(received.content()))
                .containsExactly("<p>zebra</p>", "Q: why?", "# Handbook");
        assertThat(result.err().lines()).containsExactly("[######..............] 1/3 " + single,
                "[#############.......] 2/3 " + docs.resolve("faq/questions \"2024\".txt"),
                "[####################] 3/3 " + docs.resolve("handbook.md"));
    }

    @Test
    void listsFailedFilesWithTheGatewaysMessageAndExitsNonZero() throws IOException {
        Path small = write(temp.resolve("small.txt"), "fits");
        Path big = write(temp.resolve("big.txt"), "x".repeat((int) LocalGateway.MAX_BYTES + 1));

        Result result = importing(small.toString(), big.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out().lines().filter(l -> !l.startsWith("Upload job: ")))
                .containsExactly("Imported 1 files (1 failed)", "Failed:",
                "  " + big + ": File exceeds the maximum upload size of 1 KB");
        assertThat(gateway.received).extracting(LocalGateway.Received::filename).containsExactly("small.txt");
    }

    @Test
    void filesTheTenantAlreadyHasAreCountedAsAlreadyThereNotAsFailures() throws IOException {
        Path first = write(temp.resolve("a.md"), "# Same");
        Path copy = write(temp.resolve("b.md"), "# Same");

        Result result = importing("--wait", first.toString(), copy.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out().lines().filter(l -> !l.startsWith("Upload job: ")))
                .containsExactly("Imported 1 files (1 already there, 0 failed)",
                "Indexed 1 documents (0 failed)");
    }

    @Test
    void waitPollsUntilEveryDocumentIsIndexedOrFailedAndReportsBoth() throws IOException {
        Path good = write(temp.resolve("good.md"), "# fine");
        Path broken = write(temp.resolve("broken.bin"), "\u0000\u0001");

        Result result = importing("--wait", good.toString(), broken.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.out().lines().filter(l -> !l.startsWith("Upload job: ")))
                .containsExactly("Imported 2 files (0 failed)", "Indexed 1 documents (1 failed)",
                "Failed:", "  " + broken + ": unsupported_type");
        assertThat(result.err().lines()).endsWith("[####################] 2/2 indexed or failed");
        assertThat(gateway.requests).filteredOn(request -> request.startsWith("GET /upload/status/"))
                .hasSizeGreaterThanOrEqualTo(4).allSatisfy(request -> assertThat(request).endsWith("?tenant=" + id));
    }

    @Test
    void redrawsTheProgressLineWhenStderrIsATerminal() throws IOException {
        Path a = write(temp.resolve("a.txt"), "a");
        Path b = write(temp.resolve("b.txt"), "b");

        Result result = Cli.run(new FakeTerminal(false, true, null), tenants, "import", "--tenant=" + id,
                "--gateway=" + gateway.url(), a.toString(), b.toString());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.err()).isEqualTo("\r[##########..........] 1/2 " + a + "\r[####################] 2/2 " + b
                + System.lineSeparator());
    }

    @Test
    void aRefusedKeyStopsTheImportWithOneLine() throws IOException {
        Cli.setVariable(tenants, id, "UPLOAD_API_KEY", "rsk_not_the_right_one");
        Path a = write(temp.resolve("a.txt"), "a");

        Result result = importing(a.toString());

        assertOneLineFailure(result, 1).isEqualTo("Error: the gateway refused uploads for tenant " + id
                + ": Invalid API key (HTTP 401); 0 files were imported");
        assertThat(result.err()).doesNotContain("rsk_not_the_right_one");
        assertThat(gateway.received).isEmpty();
    }

    @Test
    void anUnreachableGatewayFailsWithOneLine() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path a = write(temp.resolve("a.txt"), "a");

        Result result = run(tenants, "import", "--tenant=" + id, "--gateway=http://127.0.0.1:" + closedPort, a.toString());

        assertOneLineFailure(result, 1).startsWith("Error: cannot reach the gateway at http://127.0.0.1:" + closedPort + ": ")
                .containsIgnoringCase("connection refused");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aMissingPathFailsBeforeAnythingIsUploaded() throws IOException {
        Path a = write(temp.resolve("a.txt"), "a");

        Result result = importing(a.toString(), temp.resolve("nope").toString());

        assertOneLineFailure(result, 1).isEqualTo("Error: no such file or folder: " + temp.resolve("nope")
                + " (nothing was imported)");
        assertThat(gateway.requests).isEmpty();
    }

    private Result importing(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "import";
        all[1] = "--tenant=" + id;
        all[2] = "--gateway=" + gateway.url() + "/";
        System.arraycopy(args, 0, all, 3, args.length);
        return run(tenants, all);
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
