package dev.ragstream.gateway.urlimport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class HtmlPageTest {

    @Test
    void readsTheTitlePreferringOgTitleAndDecodingEntities() {
        assertThat(HtmlPage.scan("<html><head><TITLE>\n  Fish &amp; Chips &#8211; menu </TITLE></head></html>").title())
                .isEqualTo("Fish & Chips \u2013 menu");
        assertThat(HtmlPage.scan("<title>Site</title><meta property=\"og:title\" content=\"The &quot;real&quot; one\">").title())
                .isEqualTo("The \"real\" one");
        assertThat(HtmlPage.scan("<p>no title</p>").title()).isNull();
    }

    @Test
    void aPlainPageIsNotMedia() {
        HtmlPage page = HtmlPage.scan("<html><title>Docs</title><body><p>a < b and \"quoted\" text</p><img src=x></body></html>");

        assertThat(page.declaresMedia()).isFalse();
        assertThat(page.tracks()).isEmpty();
    }

    @Test
    void findsCaptionAndSubtitleTracksOfAVideoInDocumentOrder() {
        HtmlPage page = HtmlPage.scan("""
                <video controls src="/v.mp4">
                  <track kind="chapters" src="chapters.vtt">
                  <track kind='captions' src='/subs/en.vtt' srclang=en default>
                  <track src=de.srt srclang=de>
                  <track kind="metadata" src="meta.vtt">
                </video>""");

        assertThat(page.declaresMedia()).isTrue();
        assertThat(page.tracks()).containsExactly(new HtmlPage.Track("/subs/en.vtt", "captions", "en"),
                new HtmlPage.Track("de.srt", "subtitles", "de"));
    }

    @Test
    void ogVideoOrAudioMakesAMediaPageAndDeclaresTheDuration() {
        HtmlPage page = HtmlPage.scan("<meta property=\"og:video\" content=\"https://x/v.mp4\"><meta property=video:duration content=\"125\">");

        assertThat(page.declaresMedia()).isTrue();
        assertThat(page.hasCaptions()).isFalse();
        assertThat(page.durationSeconds()).hasValue(125.0);
        assertThat(HtmlPage.scan("<audio src=a.mp3></audio>").declaresMedia()).isTrue();
    }

    @Test
    void ignoresTagsInsideCommentsScriptsAndAttributeValues() {
        HtmlPage page = HtmlPage.scan("""
                <!-- <video><track kind=captions src=hidden.vtt></video> -->
                <script>document.write("<video><track src=s.vtt>");</script>
                <style>video::after { content: "<video>" }</style>
                <div data-x="<video>">text</div><title>Shown</title>""");

        assertThat(page.declaresMedia()).isFalse();
        assertThat(page.tracks()).isEmpty();
        assertThat(page.title()).isEqualTo("Shown");
    }

    @Test
    void hostileMarkupIsScannedInLinearTime() {
        String hostile = "<a title=\"".repeat(100_000) + "<!--".repeat(100_000) + "<".repeat(200_000) + "<track src='".repeat(50_000);

        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> HtmlPage.scan(hostile));
    }
}
