package dev.ragstream.ingest.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.kafka.PermanentException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real parser processes: conversion, refusals, a timeout and an exhausted heap, each followed by a working conversion. */
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

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
