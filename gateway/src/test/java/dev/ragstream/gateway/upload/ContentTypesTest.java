package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentTypesTest {

    @Test
    void theBytesDecideTheNameOnlyRefines() throws IOException {
        assertThat(detect("%PDF-1.7\n%âãÏÓ\n1 0 obj\n".getBytes(StandardCharsets.ISO_8859_1), "notes.txt")).isEqualTo("application/pdf");
        assertThat(detect(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, "report.pdf"))
                .isEqualTo("image/png");
        assertThat(detect("{\\rtf1\\ansi hello}".getBytes(StandardCharsets.US_ASCII), "letter.txt")).isEqualTo("application/rtf");
        assertThat(detect("# Title\n\nSome *markdown* text.\n".getBytes(StandardCharsets.UTF_8), "readme.md")).isEqualTo("text/markdown");
    }

    @Test
    void aLongTextIsTextAndItsStreamIsLeftWhereItWas() throws IOException {
        byte[] text = "green coffee lots are cupped twice before they go on sale.\n".repeat(2_000).getBytes(StandardCharsets.UTF_8);
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(text), 64 * 1024);

        assertThat(ContentTypes.detect(in, "lots.txt")).isEqualTo("text/plain");
        assertThat(in.readAllBytes()).as("every byte still to be staged").isEqualTo(text);
    }

    @Test
    void htmlIsFoundByItsTagsWhateverTheName() throws IOException {
        byte[] page = ("<!DOCTYPE html>\n<html><head><title>Menu</title></head><body>" + "<p>espresso</p>".repeat(3_000)
                + "</body></html>").getBytes(StandardCharsets.UTF_8);
        assertThat(detect(page, "menu.txt")).isEqualTo("text/html");
    }

    private static String detect(byte[] content, String filename) throws IOException {
        return ContentTypes.detect(new BufferedInputStream(new ByteArrayInputStream(content), 64 * 1024), filename);
    }
}
