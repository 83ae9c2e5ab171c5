package dev.ragstream.ingest.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real parser processes: conversion, refusals, a timeout and an exhausted heap, each followed by a working
 * conversion; the documents a killed worker left behind deleted.
 */
class ForkedConverterTest {

    private static final byte[] PAGE = "<html><body><h1>Depot</h1><p>The depot opens at six.</p></body></html>"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void convertsInAParserProcessAndPassesRefusalsOn() {
        try (ForkedConverter converter = new ForkedConverter(1_000_000, Duration.ofSeconds(60), 256)) {
            DocumentConverter.ConvertedDocument converted = converter.convert(in(PAGE), "depot.html", "text/html");
            assertThat(converted.markdown()).isEqualTo("# Depot\n\nThe depot opens at six.");
            assertThat(converted.metadata()).containsKey("detected_type");

            assertThatThrownBy(() -> converter.convert(in(new byte[0]), "empty.txt", "text/plain"))
                    .isInstanceOfSatisfying(PermanentException.class, e -> assertThat(e.reason()).isEqualTo("no_extractable_text"));
            assertThat(converter.convert(in(PAGE), "again.html", "text/html").markdown()).contains("six");
        }
    }

    @Test
    void aDocumentOverTheTimeoutFailsOnceAndTheNextGetsAFreshProcess() {
        try (ForkedConverter slow = new ForkedConverter(1_000_000, Duration.ofMillis(1), 256)) {
            assertThatThrownBy(() -> slow.convert(in(PAGE), "depot.html", "text/html"))
                    .isInstanceOfSatisfying(PermanentException.class, e -> assertThat(e.reason()).isEqualTo("conversion_timeout"));
        }
    }

    @Test
    void aDocumentThatExhaustsTheParserHeapFailsAndTheWorkerCarriesOn() {
        StringBuilder huge = new StringBuilder("<html><body>");
        String paragraph = "<p>" + "forklift pallet aisle ".repeat(50) + "</p>";
        while (huge.length() < 80_000_000) {
            huge.append(paragraph);
        }
        byte[] bomb = huge.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
        try (ForkedConverter converter = new ForkedConverter(200_000_000, Duration.ofSeconds(120), 64)) {
            assertThatThrownBy(() -> converter.convert(in(bomb), "huge.html", "text/html"))
                    .isInstanceOfSatisfying(PermanentException.class,
                            e -> assertThat(e.reason()).isEqualTo("conversion_out_of_memory"));
            assertThat(converter.convert(in(PAGE), "depot.html", "text/html").markdown()).contains("six");
        }
    }

    @Test
    void theDocumentsOfAnEndedWorkerAreDeletedAndThoseOfLiveOnesKept(@TempDir Path tmp) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path dead = Files.createDirectory(tmp.resolve(ForkedConverter.TEMP_PREFIX + ended.pid() + "-123"));
        Files.writeString(dead.resolve("document-1.bin"), "a page");
        Path live = Files.createDirectory(tmp.resolve(ForkedConverter.TEMP_PREFIX + ProcessHandle.current().pid() + "-456"));
        Files.writeString(live.resolve("document-2.bin"), "a page being converted");
        Path other = Files.createDirectory(tmp.resolve(ForkedConverter.TEMP_PREFIX + "notes"));

        ForkedConverter.deleteLeftovers(tmp);

        assertThat(dead).doesNotExist();
        assertThat(live.resolve("document-2.bin")).exists();
        assertThat(other).exists();
    }

    @Test
    void aConverterKeepsItsDocumentsInItsOwnDirectoryAndRemovesItWhenClosed() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = scratchDirectories(tmp);
        try (ForkedConverter converter = new ForkedConverter(1_000_000, Duration.ofSeconds(60), 256)) {
            assertThat(converter.convert(in(PAGE), "depot.html", "text/html").markdown()).contains("six");
            Set<Path> mine = scratchDirectories(tmp);
            mine.removeAll(before);
            assertThat(mine).singleElement().satisfies(dir -> {
                assertThat(dir.getFileName().toString()).startsWith(ForkedConverter.TEMP_PREFIX + ProcessHandle.current().pid() + "-");
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files).as("the document is deleted after its conversion").isEmpty();
                }
            });
            before.addAll(mine);
        }
        assertThat(scratchDirectories(tmp)).as("removed when closed").isSubsetOf(before).hasSizeLessThan(before.size());
    }

    private static Set<Path> scratchDirectories(Path tmp) throws IOException {
        try (Stream<Path> dirs = Files.list(tmp)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith(ForkedConverter.TEMP_PREFIX + ProcessHandle.current().pid() + "-"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
