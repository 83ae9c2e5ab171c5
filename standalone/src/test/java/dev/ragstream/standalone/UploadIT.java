package dev.ragstream.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ragstream.standalone.GatewayClient.Part;
import dev.ragstream.testsupport.fixtures.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Uploads through the real gateway: several files and ZIP archives become documents of one job;
 * the attack corpus (path-traversal names, spoofed content types, a zip bomb, an oversized body)
 * is refused with a clear answer and leaves nothing behind.
 */
class UploadIT {

    @TempDir
    static Path home;

    static TestTenants tenants;
    static TestTenants.Created tenant;
    static TestTenants.Created small;
    static TestTenants.Created full;
    static TestTenants.Created life;
    static TestTenants.Created bulk;
    static Standalone system;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws IOException {
        tenants = new TestTenants(home.resolve("tenants"));
        tenant = tenants.create("up-main");
        small = tenants.create("up-small");
        full = tenants.create("up-full");
        life = tenants.create("up-life");
        bulk = tenants.create("up-bulk");
        append(small, "MAX_UPLOAD_SIZE_MB=1\n");
        append(full, "MAX_QUEUED_DOCUMENTS=0\n");
        // a quick outbox sweeper: re-published events of documents that did arrive must change nothing; orphans are
        // looked for every sixth of orphan-after (10 s)
        system = Standalone.start(tenants.settings(home.resolve("data"), java.util.Map.of(
                "ragstream.gateway.outbox.sweep-interval", "1s", "ragstream.gateway.outbox.republish-after", "3s",
                "ragstream.gateway.outbox.orphan-after", "1m")));
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
    }

    @Test
    void severalFilesBecomeDocumentsOfOneJobWhoseProgressIsVisible() {
        GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(
                Part.file("handbook.md", Fixtures.bytes(Fixtures.HANDBOOK)),
                Part.file("faq.txt", Fixtures.bytes(Fixtures.FAQ))));

        assertThat(reply.status()).isEqualTo(202);
        JsonNode documents = reply.body().path("documents");
        assertThat(documents.findValuesAsString("filename")).containsExactly("handbook.md", "faq.txt");
        assertThat(documents.findValuesAsString("status")).containsOnly("queued");
        String job = reply.text("job_id");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode progress = gateway.get(reply.text("job_url"), tenant.uploadKey()).body();
            assertThat(progress.path("done").asBoolean()).isTrue();
            assertThat(progress.path("counts").path("indexed").asInt()).isEqualTo(2);
        });
        assertThat(gateway.get("/upload/jobs/" + job + "?tenant=" + small.id(), small.uploadKey()).status())
                .as("another tenant's job").isEqualTo(404);
    }

    @Test
    void aZipBecomesOneDocumentPerEntryWithSanitisedNamesAndNoHiddenFiles() throws IOException {
        byte[] zip = zip(
                new ZipEntry("docs/"), null,
                new ZipEntry("docs/handbook.md"), "# Handbook\n\nThe zipped copy of the handbook notes.".getBytes(),
                new ZipEntry("../../etc/evil.md"), "# Evil\n\nPath traversal attempt.".getBytes(),
                new ZipEntry("__MACOSX/docs/._handbook.md"), new byte[] {0, 5, 22, 7},
                new ZipEntry(".DS_Store"), new byte[] {0, 0, 0, 1});

        GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(Part.file("bundle.zip", zip)));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.body().path("documents").findValuesAsString("filename")).containsExactly("handbook.md", "evil.md");
        assertThat(Files.exists(home.resolve("etc"))).isFalse();
    }

    @Test
    void spoofedContentTypesAreDecidedByContentAndRefused() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0};
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'};
        int before = documents(tenant);

        for (Part spoof : List.of(new Part("file", "report.pdf", "application/pdf", elf),
                new Part("file", "notes.md", "text/markdown", png),
                new Part("file", "..%2F..%2Fshell.txt", "text/plain", elf))) {
            GatewayClient.Reply reply = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(spoof));
            assertThat(reply.status()).as(spoof.filename()).isEqualTo(415);
            assertThat(reply.text("error")).startsWith("Unsupported file type");
        }
        GatewayClient.Reply mixed = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(
                Part.file("fine.txt", "A fine text.".getBytes()), new Part("file", "report.pdf", "application/pdf", elf)));
        assertThat(mixed.status()).as("all or nothing").isEqualTo(415);
        assertThat(documents(tenant)).isEqualTo(before);
    }

    @Test
    void anOversizedBodyIsRefusedWhileStreamingAndLeavesNothing() {
        byte[] big = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');

        GatewayClient.Reply reply = gateway.upload(small.id(), small.uploadKey(), List.of(Part.file("big.txt", big)));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.text("error")).isEqualTo("Upload exceeds the maximum upload size of 1 MB");
        assertThat(documents(small)).isZero();
        assertThat(stagedFiles(small)).isZero();
    }

    @Test
    void bytesInPartsNobodyReadsCountAgainstTheCapDeclaredOrStreamed() {
        byte[] padding = new byte[2 * 1024 * 1024 + 1]; // over the 1 MB cap plus 1 MB for the form's own bytes
        java.util.Arrays.fill(padding, (byte) 'p');
        List<Part> parts = List.of(Part.field("padding", new String(padding, StandardCharsets.US_ASCII)),
                Part.file("fine.txt", "A fine text.".getBytes(StandardCharsets.UTF_8)));

        for (boolean chunked : new boolean[] {false, true}) {
            GatewayClient.Reply reply = gateway.upload(small.id(), small.uploadKey(), parts, chunked);
            assertThat(reply.status()).as(chunked ? "streamed" : "declared").isEqualTo(413);
            assertThat(reply.text("error")).isEqualTo("Upload exceeds the maximum upload size of 1 MB");
        }
        assertThat(documents(small)).isZero();
        assertThat(stagedFiles(small)).isZero();
        GatewayClient.Reply within = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(Part.field("padding",
                "p".repeat(900 * 1024)), Part.file("streamed.txt", "A streamed text. ".repeat(50_000).getBytes(StandardCharsets.UTF_8))), true);
        assertThat(within.status()).as("a form within the cap, streamed").isEqualTo(202);
    }

    @Test
    void aZipBombIsRefusedBeforeAnythingIsExtracted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("zeros.txt"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 50; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(out.size()).as("compressed").isLessThan(1024 * 1024);

        GatewayClient.Reply reply = gateway.upload(small.id(), small.uploadKey(), List.of(Part.file("bomb.zip", out.toByteArray())));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.text("error")).contains("bomb.zip").contains("uncompressed");
        assertThat(documents(small)).isZero();
        assertThat(stagedFiles(small)).isZero();
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndNoFileIsEmpty() {
        GatewayClient.Reply full429 = gateway.upload(full.id(), full.uploadKey(), "a.txt", "text".getBytes());
        assertThat(full429.status()).isEqualTo(429);
        assertThat(full429.retryAfter()).isNotNull();
        assertThat(documents(full)).isZero();

        GatewayClient.Reply none = gateway.upload(tenant.id(), tenant.uploadKey(), List.of(
                new Part("note", "ignored.txt", "text/plain", "a form field".getBytes())));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text("error")).isEqualTo("No file uploaded");
    }

    @Test
    void theSameBytesAreADuplicateAndTheSameNameWithNewBytesANewVersion() {
        byte[] v1 = "# Returns\n\nGoods can be returned within 14 days of delivery.\n".getBytes(StandardCharsets.UTF_8);
        byte[] v2 = "# Returns\n\nGoods can be returned within 30 days of delivery, free of charge.\n".getBytes(StandardCharsets.UTF_8);
        int documentsBefore = documents(life);
        String id = TwoTenantsEndToEndIT.uploadAndAwaitIndexed(gateway, life, "returns.md", v1);
        long stagedBefore = stagedFiles(life);

        GatewayClient.Reply again = gateway.upload(life.id(), life.uploadKey(), "copy-of-returns.md", v1);
        assertThat(again.status()).as("nothing to do").isEqualTo(200);
        assertThat(again.text("status")).isEqualTo("duplicate");
        assertThat(again.text("document_id")).isEqualTo(id);
        assertThat(again.text("existing_status")).isEqualTo("indexed");
        assertThat(again.body().has("job_id")).isFalse();
        assertThat(documents(life)).isEqualTo(documentsBefore + 1);
        assertThat(stagedFiles(life)).as("the duplicate's staged copy is gone").isEqualTo(stagedBefore);

        GatewayClient.Reply newer = gateway.upload(life.id(), life.uploadKey(), "returns.md", v2);
        assertThat(newer.status()).isEqualTo(202);
        assertThat(newer.text("document_id")).isEqualTo(id);
        assertThat(newer.body().path("version").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            GatewayClient.Reply status = gateway.status(life.id(), life.uploadKey(), id);
            assertThat(status.text("status")).isEqualTo("indexed");
            assertThat(status.body().path("active_version").asInt()).isEqualTo(2);
        });
        assertThat(query(life, "SELECT DISTINCT version || ':' || (content LIKE '%30 days%') FROM chunks"
                + " WHERE document_id = '" + id + "'")).as("only the new version's chunks remain").containsExactly("2:true");
        assertThat(documents(life)).isEqualTo(documentsBefore + 1);

        GatewayClient.Reply twice = gateway.upload(life.id(), life.uploadKey(), List.of(
                Part.file("a.md", "# A\n\nAlpha notes.\n".getBytes(StandardCharsets.UTF_8)),
                Part.file("b.md", "# A\n\nAlpha notes.\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(twice.status()).isEqualTo(202);
        JsonNode docs = twice.body().path("documents");
        assertThat(docs.findValuesAsString("status")).containsExactly("queued", "duplicate");
        assertThat(docs.get(1).path("document_id").asString()).isEqualTo(docs.get(0).path("document_id").asString());
    }

    @Test
    void concurrentUploadsOfTheSameBytesMakeOneDocumentAndOfTheSameNameOneVersionEach() throws Exception {
        int documentsBefore = documents(bulk);
        byte[] same = "# Opening hours\n\nThe roastery opens at seven on weekdays.\n".getBytes(StandardCharsets.UTF_8);
        List<GatewayClient.Reply> copies = concurrently(8,
                i -> gateway.upload(bulk.id(), bulk.uploadKey(), "hours-" + i + ".md", same));
        assertThat(copies).filteredOn(r -> r.status() == 202).as("one upload queues the bytes").hasSize(1);
        assertThat(copies).filteredOn(r -> r.status() == 200).extracting(r -> r.text("status"))
                .as("the others find them").containsOnly("duplicate").hasSize(7);
        assertThat(copies).extracting(r -> r.text("document_id")).containsOnly(copies.get(0).text("document_id"));

        List<GatewayClient.Reply> versions = concurrently(6, i -> gateway.upload(bulk.id(), bulk.uploadKey(), "rates.md",
                ("# Rates\n\nA bag of house blend costs " + (10 + i) + " euros.\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(versions).extracting(GatewayClient.Reply::status).containsOnly(202);
        assertThat(versions).extracting(r -> r.text("document_id")).containsOnly(versions.get(0).text("document_id"));
        assertThat(versions).extracting(r -> r.body().path("version").asInt())
                .as("each upload of the name is its own version").containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        assertThat(documents(bulk)).isEqualTo(documentsBefore + 2);
    }

    /** Runs {@code n} calls at once (released together) and returns their answers in call order. */
    private static <T> List<T> concurrently(int n, java.util.function.IntFunction<T> call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<T>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<T> result = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<T> answer : answers) {
                result.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDocumentWhoseEventNeverReachedTheBrokerIsRepublishedByTheOutboxSweeper() throws Exception {
        // what a gateway that stopped between committing the row and publishing leaves behind
        byte[] content = "# Lost\n\nThe forklift is serviced every March.\n".getBytes(StandardCharsets.UTF_8);
        java.util.UUID id = java.util.UUID.randomUUID();
        var staged = new dev.ragstream.platform.staging.FileSystemStagingStore(home.resolve("data/staging"))
                .stage(dev.ragstream.platform.tenant.TenantId.of(life.id()), id, new java.io.ByteArrayInputStream(content), 1 << 20);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + life.database(), "postgres", "");
             var ps = c.prepareStatement("""
                     INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status, version, staged_at,
                                            created_at, updated_at)
                     VALUES (?, 'lost.md', 'text/markdown', ?, ?, 'queued', 1, ?, now() - interval '1 hour', now() - interval '1 hour')""")) {
            ps.setObject(1, id);
            ps.setLong(2, staged.sizeBytes());
            ps.setString(3, staged.sha256());
            ps.setString(4, staged.reference().toString());
            ps.executeUpdate();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(gateway.status(life.id(), life.uploadKey(), id.toString()).text("status")).isEqualTo("indexed"));
        assertThat(query(life, "SELECT count(*) FROM chunks WHERE document_id = '" + id + "' AND content LIKE '%forklift%'"))
                .containsExactly("1");
    }

    @Test
    void uploadsNamingOneJobAreFollowedAsThatJob() {
        String job = java.util.UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            GatewayClient.Reply reply = gateway.upload(life.id() + "&job=" + job, life.uploadKey(),
                    "joined-" + i + ".md", ("# Joined " + i + "\n\nPart " + i + " of one import.\n").getBytes(StandardCharsets.UTF_8));
            assertThat(reply.status()).isEqualTo(202);
            assertThat(reply.text("job_id")).isEqualTo(job);
        }
        JsonNode view = gateway.get("/upload/jobs/" + job + "?tenant=" + life.id(), life.uploadKey()).body();
        assertThat(view.path("total").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                gateway.get("/upload/jobs/" + job + "?tenant=" + life.id(), life.uploadKey()).body().path("done").asBoolean());
        assertThat(gateway.upload(life.id() + "&job=not-a-uuid", life.uploadKey(), "x.md", "# X".getBytes()).status())
                .isEqualTo(400);
    }

    @Test
    void aCancelledJobsUnfinishedDocumentsFailAsCancelledAndNeverReachTheIndex() throws IOException {
        Object[] entries = new Object[80];
        for (int i = 0; i < 40; i++) {
            entries[2 * i] = new ZipEntry("note-" + i + ".md");
            entries[2 * i + 1] = ("# Note " + i + "\n\nThe bulk note number " + i + " is about crate " + (i * 7) + ".\n")
                    .getBytes(StandardCharsets.UTF_8);
        }
        GatewayClient.Reply accepted = gateway.upload(bulk.id(), bulk.uploadKey(), List.of(Part.file("bulk.zip", zip(entries))));
        assertThat(accepted.status()).isEqualTo(202);
        String job = accepted.text("job_id");

        GatewayClient.Reply cancelled = gateway.post("/upload/jobs/" + job + "/cancel?tenant=" + bulk.id(), bulk.uploadKey());
        assertThat(cancelled.status()).isEqualTo(200);
        int count = cancelled.body().path("cancelled").asInt();
        assertThat(count).as("documents still waiting when the job was cancelled").isPositive();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode progress = gateway.get("/upload/jobs/" + job + "?tenant=" + bulk.id(), bulk.uploadKey()).body();
            assertThat(progress.path("done").asBoolean()).isTrue();
        });
        List<String> outcomes = query(bulk, "SELECT status || ':' || coalesce(reason, '') || ':' || "
                + "(SELECT count(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d");
        assertThat(outcomes).hasSize(40).allSatisfy(o -> assertThat(o).matches("indexed::[1-9]\\d*|failed:cancelled:0"));
        assertThat(outcomes).filteredOn(o -> o.startsWith("failed")).hasSize(count);
        assertThat(stagedFiles(bulk)).as("cancelled documents' staged copies").isZero();
        assertThat(gateway.post("/upload/jobs/" + java.util.UUID.randomUUID() + "/cancel?tenant=" + bulk.id(), bulk.uploadKey())
                .status()).isEqualTo(404);
        assertThat(gateway.post("/upload/jobs/" + job + "/cancel?tenant=" + life.id(), life.uploadKey()).status())
                .as("another tenant's job").isEqualTo(404);
    }

    @Test
    void stagedFilesNoDocumentRefersToAreDeletedOnceOldAndReferencedOnesStay() throws Exception {
        Path dir = Files.createDirectories(home.resolve("data/staging").resolve(life.id()));
        Path orphan = Files.writeString(dir.resolve(java.util.UUID.randomUUID().toString()), "interrupted upload");
        Path partial = Files.writeString(dir.resolve(java.util.UUID.randomUUID() + "-1.part"), "half an upload");
        Path young = Files.writeString(dir.resolve(java.util.UUID.randomUUID().toString()), "an upload in progress");
        java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(2)));
        Files.setLastModifiedTime(orphan, twoHoursAgo);
        Files.setLastModifiedTime(partial, twoHoursAgo);
        // an old staged file of a failed document must stay: a redrive converts it again (its row is there before
        // the file: a sweep between the two would rightly take the file for an orphan)
        java.util.UUID queuedId = java.util.UUID.randomUUID();
        Path referenced = dir.resolve(queuedId.toString());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + life.database(), "postgres", "");
             var ps = c.prepareStatement("""
                     INSERT INTO documents (id, filename, content_type, size_bytes, sha256, status, version, staged_at)
                     VALUES (?, 'kept.md', 'text/markdown', 20, repeat('0', 64), 'failed', 1, ?)""")) {
            ps.setObject(1, queuedId);
            ps.setString(2, referenced.toUri().toString());
            ps.executeUpdate();
        }
        Files.writeString(referenced, "# Kept\n\nStill needed.\n");
        Files.setLastModifiedTime(referenced, twoHoursAgo);

        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(orphan) && !Files.exists(partial));
        assertThat(young).as("younger than orphan-after").exists();
        assertThat(referenced).as("a failed document may be redriven from it").exists();
        Files.delete(young);
    }

    private static List<String> query(TestTenants.Created t, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + t.database(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int documents(TestTenants.Created t) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + t.database(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM documents")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long stagedFiles(TestTenants.Created t) {
        Path dir = home.resolve("data/staging").resolve(t.id());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] zip(Object... entriesAndContents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entriesAndContents.length; i += 2) {
                zip.putNextEntry((ZipEntry) entriesAndContents[i]);
                if (entriesAndContents[i + 1] != null) {
                    zip.write((byte[]) entriesAndContents[i + 1]);
                }
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static void append(TestTenants.Created t, String line) throws IOException {
        Path env = tenants.dir().resolve(t.id()).resolve(".env");
        Files.writeString(env, Files.readString(env) + line, StandardCharsets.UTF_8);
    }
}
