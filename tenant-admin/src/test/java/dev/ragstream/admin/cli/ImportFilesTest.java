package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportFilesTest {

    @TempDir
    Path temp;

    @Test
    void walksFoldersRecursivelyInOrderSkippingHiddenFilesAndFolders() throws IOException {
        Path docs = temp.resolve("docs");
        Path b = write(docs.resolve("b.md"));
        Path a = write(docs.resolve("sub/a.txt"));
        write(docs.resolve(".hidden.txt"));
        write(docs.resolve(".git/config"));
        write(docs.resolve("sub/.cache/x.txt"));
        Path single = write(temp.resolve("single.pdf"));

        assertThat(ImportFiles.collect(List.of(single, docs))).containsExactly(single, b, a);
    }

    @Test
    void uploadsAFileNamedTwiceOnce() throws IOException {
        Path docs = temp.resolve("docs");
        Path a = write(docs.resolve("a.txt"));

        assertThat(ImportFiles.collect(List.of(a, docs, temp.resolve("docs/../docs/a.txt")))).containsExactly(a);
    }

    @Test
    void refusesAPathThatDoesNotExistBeforeCollectingAnything() throws IOException {
        Path a = write(temp.resolve("a.txt"));

        assertThatThrownBy(() -> ImportFiles.collect(List.of(a, temp.resolve("missing.pdf"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pdf");
    }

    private static Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, file.getFileName().toString());
    }
}
