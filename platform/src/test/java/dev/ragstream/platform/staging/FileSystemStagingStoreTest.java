package dev.ragstream.platform.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragstream.platform.tenant.TenantId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSystemStagingStoreTest {

    @TempDir
    Path root;

    @Test
    void stagesWithSizeAndSha256AndDeletes() throws IOException {
        FileSystemStagingStore store = new FileSystemStagingStore(root);
        byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
        var staged = store.stage(TenantId.of("acme"), UUID.randomUUID(), new ByteArrayInputStream(content), 100);
        assertThat(staged.sizeBytes()).isEqualTo(5);
        assertThat(staged.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        try (InputStream in = store.open(staged.reference())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        store.delete(staged.reference());
        assertThatThrownBy(() -> store.open(staged.reference())).isInstanceOf(IOException.class);
    }

    /**
     * Sizes around the block and buffer boundaries, through direct I/O (where the file system takes
     * it: the last block is padded, then the file cut to size) and through the page cache.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void stagesEveryByteAtSizesAroundBlockAndBufferBoundaries(boolean direct) throws Exception {
        FileSystemStagingStore store = direct ? new FileSystemStagingStore(root) : FileSystemStagingStore.throughPageCache(root);
        assumeTrue(store.writesDirect() == direct, "this file system refuses direct I/O"); // Linux's ext4, xfs, btrfs take it
        Random random = new Random(3);
        for (int size : new int[] {0, 1, 511, 512, 4095, 4096, 4097, 65_535, 65_536, 65_537, 200_000}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            var staged = store.stage(TenantId.of("acme"), UUID.randomUUID(), new ByteArrayInputStream(content), 1_000_000);
            assertThat(staged.sizeBytes()).isEqualTo(size);
            assertThat(staged.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
            try (InputStream in = store.open(staged.reference())) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        try (var files = Files.list(root)) {
            assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly("acme"); // no probe left
        }
    }

    @Test
    void refusesContentOverTheLimitAndLeavesNothing() throws IOException {
        FileSystemStagingStore store = new FileSystemStagingStore(root);
        assertThatThrownBy(() -> store.stage(TenantId.of("acme"), UUID.randomUUID(),
                new ByteArrayInputStream(new byte[200_000]), 100_000)).isInstanceOf(StagingStore.TooLargeException.class);
        try (var files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void concurrentStagingIntoSharedDirectoriesKeepsEveryFile() throws Exception {
        FileSystemStagingStore store = new FileSystemStagingStore(root);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<byte[]>> checks = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                TenantId tenant = TenantId.of(i % 2 == 0 ? "acme" : "globex");
                byte[] content = ("upload " + i).repeat(1 + i).getBytes(StandardCharsets.UTF_8);
                checks.add(pool.submit(() -> {
                    var staged = store.stage(tenant, UUID.randomUUID(), new ByteArrayInputStream(content), 1_000_000);
                    try (InputStream in = store.open(staged.reference())) {
                        assertThat(in.readAllBytes()).isEqualTo(content);
                    }
                    return content;
                }));
            }
            for (Future<byte[]> check : checks) {
                check.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(320).noneMatch(f -> f.toString().endsWith(".part"));
        }
    }

    @Test
    void neverOpensReferencesOutsideTheRoot() throws IOException {
        FileSystemStagingStore store = new FileSystemStagingStore(root.resolve("staging"));
        Path outside = Files.writeString(root.resolve("secret.txt"), "x");
        assertThatThrownBy(() -> store.open(outside.toUri())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.open(URI.create("file:///etc/passwd"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.delete(URI.create("http://example.com/x"))).isInstanceOf(IOException.class);
        assertThat(outside).exists();
    }
}
