package dev.ragstream.admin.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void rendersTheShareDoneTheCountAndTheLabel() {
        assertThat(ProgressBar.render(0, 40, "a.pdf")).isEqualTo("[....................] 0/40 a.pdf");
        assertThat(ProgressBar.render(12, 40, "docs/file.pdf")).isEqualTo("[######..............] 12/40 docs/file.pdf");
        assertThat(ProgressBar.render(40, 40, "z.md")).isEqualTo("[####################] 40/40 z.md");
    }

    @Test
    void printsOnePlainLinePerStepWhenStderrIsNotATerminal() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, UTF_8), false, 2);

        bar.step(1, "a.txt");
        bar.step(2, "b.txt");
        bar.finish();

        assertThat(err.toString(UTF_8)).doesNotContain("\r");
        assertThat(err.toString(UTF_8).lines()).containsExactly("[##########..........] 1/2 a.txt", "[####################] 2/2 b.txt");
    }

    @Test
    void redrawsOneLineOnATerminalErasingALongerPreviousLabel() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(err, true, UTF_8), true, 2);

        bar.step(1, "a-long-name.txt");
        bar.step(2, "b.txt");
        bar.finish();

        String first = "[##########..........] 1/2 a-long-name.txt";
        String second = "[####################] 2/2 b.txt";
        assertThat(err.toString(UTF_8)).isEqualTo("\r" + first + "\r" + second
                + " ".repeat(first.length() - second.length()) + System.lineSeparator());
    }
}
