package dev.ragstream.gateway.urlimport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlImporterTest {

    @Test
    void aFileIsNamedForTheLastPathSegmentOfTheFinalUrl() {
        assertThat(UrlImporter.fileName(URI.create("https://example.com/docs/Annual%20Report.pdf?x=1"), null))
                .isEqualTo("Annual Report.pdf");
    }

    @Test
    void aPageIsNamedForItsSegmentOrItsHostWithAnHtmlExtension() {
        assertThat(UrlImporter.fileName(URI.create("https://example.com/"), ".html")).isEqualTo("example.com.html");
        assertThat(UrlImporter.fileName(URI.create("https://example.com"), ".html")).isEqualTo("example.com.html");
        assertThat(UrlImporter.fileName(URI.create("https://example.com/guide/intro"), ".html")).isEqualTo("intro.html");
        assertThat(UrlImporter.fileName(URI.create("https://example.com/a/page.htm"), ".html")).isEqualTo("page.htm");
    }
}
