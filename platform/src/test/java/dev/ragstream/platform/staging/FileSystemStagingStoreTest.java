package dev.ragstream.platform.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.tenant.TenantId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void neverOpensReferencesOutsideTheRoot() throws IOException {
        FileSystemStagingStore store = new FileSystemStagingStore(root.resolve("staging"));
        Path outside = Files.writeString(root.resolve("secret.txt"), "x");
        assertThatThrownBy(() -> store.open(outside.toUri())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.open(URI.create("file:///etc/passwd"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.delete(URI.create("http://example.com/x"))).isInstanceOf(IOException.class);
        assertThat(outside).exists();
    }
}
