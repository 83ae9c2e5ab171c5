package dev.ragstream.gateway.urlimport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptionsTest {

    @Test
    void webVttCueTextBecomesParagraphsWithoutTimestampsIdsTagsOrNotes() {
        String vtt = """
                \uFEFFWEBVTT Kind: captions

                NOTE this is a comment
                spanning lines

                STYLE
                ::cue { color: lime }

                intro
                00:00:01.000 --> 00:00:03.500 align:start position:0%
                <v Anna>Welcome to the <b>zebra</b> tour.</v>

                00:03.600 --> 00:05.000
                Zebras have stripes &amp; manes.

                00:00:09.000 --> 00:00:11.000
                After a pause, a new paragraph.
                """;

        assertThat(Captions.paragraphs(vtt)).containsExactly(
                "Welcome to the zebra tour. Zebras have stripes & manes.",
                "After a pause, a new paragraph.");
    }

    @Test
    void srtCuesWithCommaMillisecondsAndCrLfAreRead() {
        String srt = "1\r\n00:00:00,500 --> 00:00:02,000\r\nFirst line\r\nsecond line\r\n\r\n"
                + "2\r\n00:00:02,100 --> 00:00:04,000\r\n- Third line\r\n\r\n";

        assertThat(Captions.paragraphs(srt)).containsExactly("First line second line Third line");
    }

    @Test
    void rollingCaptionsRepeatingALineKeepItOnce() {
        String vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nhello there\n\n00:02.000 --> 00:03.000\nhello there\nhow are you\n";

        assertThat(Captions.paragraphs(vtt)).containsExactly("hello there how are you");
    }

    @Test
    void aFileWithoutCuesHasNoTranscript() {
        assertThat(Captions.paragraphs("WEBVTT\n\nNOTE nothing here\n")).isEmpty();
        assertThat(Captions.paragraphs("<html>not captions</html>")).isEmpty();
    }
}
