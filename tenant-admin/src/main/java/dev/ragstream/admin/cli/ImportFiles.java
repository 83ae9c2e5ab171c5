package dev.ragstream.admin.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The files an import uploads, found before anything is uploaded. */
final class ImportFiles {

    private ImportFiles() {
    }

    /**
     * Each given file, and every regular file under each given folder (recursively, sorted),
     * skipping files and folders whose name starts with a dot below a given folder. A file named
     * twice is uploaded once.
     * @throws IllegalArgumentException naming the first path that is neither a file nor a folder
     * @throws IllegalStateException when a folder cannot be read
     */
    static List<Path> collect(List<Path> paths) {
        for (Path path : paths) {
            if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
                throw new IllegalArgumentException("no such file or folder: " + path + " (nothing was imported)");
            }
        }
        Set<Path> seen = new LinkedHashSet<>();
        Set<Path> files = new LinkedHashSet<>();
        for (Path path : paths) {
            for (Path file : Files.isDirectory(path) ? walk(path) : List.of(path)) {
                if (seen.add(file.toAbsolutePath().normalize())) {
                    files.add(file);
                }
            }
        }
        return List.copyOf(files);
    }

    private static List<Path> walk(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(path -> !hidden(folder.relativize(path)))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot read the folder " + folder + ": " + ErrorLine.of(e), e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
