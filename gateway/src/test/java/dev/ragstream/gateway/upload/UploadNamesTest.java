package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadNamesTest {

    @Test
    void keepsOnlyTheLastPathSegment() {
        assertThat(UploadNames.sanitize("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadNames.sanitize("C:\\Users\\me\\report.pdf")).isEqualTo("report.pdf");
    }

    @Test
    void replacesControlAndShellCharactersAndNeverReturnsEmptyOrDots() {
        assertThat(UploadNames.sanitize("a\u0000b\nc\"<>|.txt")).isEqualTo("a_b_c____.txt");
        assertThat(UploadNames.sanitize("")).isEqualTo("upload");
        assertThat(UploadNames.sanitize(null)).isEqualTo("upload");
        assertThat(UploadNames.sanitize("..")).isEqualTo("upload");
    }

    @Test
    void capsTheLengthKeepingTheExtension() {
        assertThat(UploadNames.sanitize("x".repeat(400) + ".md")).hasSize(255).endsWith(".md");
    }
}
