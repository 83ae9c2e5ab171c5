package dev.ragstream.ingest.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Real parser processes: conversion, refusals, a timeout and an exhausted heap, each followed by a working
 * conversion; leftovers of a killed worker deleted.
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
    void filesAKilledWorkerLeftBehindAreDeletedOnceNoConversionCanReadThem() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        FileTime old = FileTime.from(Instant.now().minus(ForkedConverter.LEFTOVER_AGE).minusSeconds(60));
        Path leftover = Files.setLastModifiedTime(Files.createTempFile(tmp, "ragstream-convert-", ".bin"), old);
        Path recent = Files.createTempFile(tmp, "ragstream-convert-", ".bin");
        Path notOurs = Files.setLastModifiedTime(Files.createTempFile(tmp, "ragstream-other-", ".bin"), old);
        try {
            new ForkedConverter(1_000_000, Duration.ofSeconds(60), 256).close();
            assertThat(leftover).doesNotExist();
            assertThat(recent).as("a conversion may still read it").exists();
            assertThat(notOurs).exists();

            Files.setLastModifiedTime(recent, old);
            new ForkedConverter(1_000_000, Duration.ofHours(2), 256).close();
            assertThat(recent).as("younger than twice a longer timeout").exists();
        } finally {
            Files.deleteIfExists(leftover);
            Files.deleteIfExists(recent);
            Files.deleteIfExists(notOurs);
        }
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
