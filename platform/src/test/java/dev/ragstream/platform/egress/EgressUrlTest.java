package dev.ragstream.platform.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressUrlTest {

    static final EgressPolicy POLICY = EgressPolicy.defaults();

    static EgressUrl parse(String url) throws EgressRefusedException {
        return EgressUrl.parse(url, POLICY);
    }

    @Test
    void canonicalisesSchemeHostPortAndDropsTheFragment() throws Exception {
        EgressUrl url = parse("HTTPS://Docs.Example.COM.:443/a/b?x=1&y=%20#section");
        assertThat(url.scheme()).isEqualTo("https");
        assertThat(url.host()).isEqualTo("docs.example.com");
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.pathAndQuery()).isEqualTo("/a/b?x=1&y=%20");
        assertThat(url.authority()).isEqualTo("docs.example.com");
        assertThat(url.toUri()).isEqualTo(URI.create("https://docs.example.com/a/b?x=1&y=%20"));
        assertThat(url.literal()).isNull();
    }

    @Test
    void givesAnEmptyPathASlash() throws Exception {
        assertThat(parse("http://example.com").pathAndQuery()).isEqualTo("/");
        assertThat(parse("http://example.com?q=1").pathAndQuery()).isEqualTo("/?q=1");
        assertThat(parse("http://example.com#top").pathAndQuery()).isEqualTo("/");
    }

    @Test
    void percentEncodesWhatCouldNotGoInARequestLine() throws Exception {
        assertThat(parse("http://example.com/straße?q=ä&r=<x>\"{|}^`").pathAndQuery())
                .isEqualTo("/stra%C3%9Fe?q=%C3%A4&r=%3Cx%3E%22%7B%7C%7D%5E%60");
        assertThat(parse("http://example.com/100%/a%2Fb").pathAndQuery()).isEqualTo("/100%25/a%2Fb");
    }

    @Test
    void turnsInternationalizedNamesIntoPunycode() throws Exception {
        assertThat(parse("http://bücher.example/").host()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void keepsIpv6LiteralsInBracketsInTheHostHeader() throws Exception {
        EgressUrl url = parse("http://[2606:4700::1111]:443/");
        assertThat(url.host()).isEqualTo("2606:4700:0:0:0:0:0:1111");
        assertThat(url.authority()).isEqualTo("[2606:4700:0:0:0:0:0:1111]:443");
        assertThat(url.literal()).isNotNull();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "2130706433, 127.0.0.1",
            "0x7f000001, 127.0.0.1",
            "0X7F000001, 127.0.0.1",
            "0177.0.0.1, 127.0.0.1",
            "0177.0000.0000.0001, 127.0.0.1",
            "017700000001, 127.0.0.1",
            "127.1, 127.0.0.1",
            "127.0.1, 127.0.0.1",
            "0x7f.1, 127.0.0.1",
            "0x7f.0.0.0x1, 127.0.0.1",
            "127.0.0.1., 127.0.0.1",
            "１２７.０.０.１, 127.0.0.1",
            "127。0。0。1, 127.0.0.1",
            "169.254.43518, 169.254.169.254",
            "0251.0376.0251.0376, 169.254.169.254",
            "2852039166, 169.254.169.254",
            "0xa9fea9fe, 169.254.169.254",
            "0x08.0x08.0x08.0x08, 8.8.8.8",
            "134744072, 8.8.8.8",
            "0127.0.0.1, 87.0.0.1",
            "0, 0.0.0.0",
            "4294967295, 255.255.255.255",
            "[::ffff:127.0.0.1], 127.0.0.1",
            "[::ffff:7f00:1], 127.0.0.1",
            "[0:0:0:0:0:0:0:1], 0:0:0:0:0:0:0:1",
            "[::1], 0:0:0:0:0:0:0:1"
    })
    void readsEveryNumericHostNotationAsBrowsersDo(String host, String address) throws Exception {
        EgressUrl url = parse("http://" + host + "/");
        assertThat(url.host()).isEqualTo(address);
        assertThat(url.literal().getHostAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "example.com", "http:/example.com", "http:example.com", "http://", "http:///path", "//example.com/",
            "http://user@example.com/", "http://user:pass@example.com/", "http://example.com@127.0.0.1/",
            "http://:80/", "http://example.com:/", "http://example.com:0/", "http://example.com:65536/",
            "http://example.com:+80/", "http://example.com:80:80/", "http://example.com:8o/",
            " http://example.com/", "http://example.com/ ", "http://exa mple.com/", "http://example.com/a b",
            "http://example.com\t/", "http://example.com\r\nX-Injected: 1/", "http://example.com/\r\nHost: evil",
            "http://example.com\\@127.0.0.1/", "http://127.0.0.1\\@example.com/", "http://exam\u200Bple.com/",
            "http://example.com\u00A0/", "http://example.com\u2028/", "http://\u0000example.com/",
            "http://[::1%25eth0]/", "http://[fe80::1%eth0]/", "http://[::1/", "http://[::1]x/", "http://[::1]:/",
            "http://[127.0.0.1]/", "http://[::ffff:0177.0.0.1]/", "http://[::ffff:127.1]/", "http://[:::1]/",
            "http://[1::2::3]/", "http://[.:1]/", "http://[example.com]/", "http://::1/",
            "http://%31%32%37.0.0.1/", "http://exa%6dple.com/",
            "http://256.0.0.1/", "http://1.2.3.256/", "http://1.2.3.4.5/", "http://08.0.0.1/", "http://0x.0.0.1/",
            "http://0x1g.0.0.1/", "http://4294967296/", "http://0x100000000/", "http://1.-2.3.4/", "http://1.2.3.0x/",
            "http://example..com/", "http://.example.com/", "http://example.com../", "http://exa_mple.c☃m\u0378/"
    })
    void refusesMalformedAmbiguousOrDisguisedUrls(String url) {
        assertThatThrownBy(() -> parse(url))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_URL));
    }

    @Test
    void refusesOverlongUrls() {
        assertThatThrownBy(() -> parse("http://example.com/" + "a".repeat(9000)))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_URL));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1:70/_x", "dict://127.0.0.1:11211/",
            "jar:http://example.com/a.jar!/", "javascript:alert(1)", "data:text/plain,hi", "ldap://example.com/", "ws://example.com/"})
    void refusesEverySchemeButHttpAndHttps(String url) {
        assertThatThrownBy(() -> parse(url))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.code()).isEqualTo("scheme_not_allowed"));
    }

    @Test
    void refusesHttpWhenThePolicyAllowsOnlyHttps() {
        EgressPolicy httpsOnly = POLICY.withAllowedSchemes("https");
        assertThatThrownBy(() -> EgressUrl.parse("http://example.com/", httpsOnly))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.code()).isEqualTo("scheme_not_allowed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com:8080/", "http://example.com:22/", "https://example.com:8443/",
            "http://127.0.0.1:6379/", "http://example.com:00022/"})
    void refusesPortsOutsideThePolicy(String url) {
        assertThatThrownBy(() -> parse(url))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.code()).isEqualTo("port_not_allowed"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/x, http://example.com/x",
            "c, http://example.com/a/c",
            "../c?d, http://example.com/c?d",
            "./, http://example.com/a/",
            "?z=1, http://example.com/a/b?z=1",
            "#top, http://example.com/a/b?q=1",
            "/ü, http://example.com/%C3%BC",
            "//other.example/p, http://other.example/p",
            "https://secure.example/p#f, https://secure.example/p",
            "HTTP://Example.com:80/p, http://example.com/p"
    })
    void resolvesRedirectLocationsAgainstTheCurrentUrl(String location, String expected) throws Exception {
        EgressUrl base = parse("http://example.com/a/b?q=1");
        assertThat(base.resolve(location, POLICY).toUri()).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "http://user@example.com/", "\\\\evil.example/", "/x\r\nSet-Cookie: a=b"})
    void refusesMalformedRedirectLocations(String location) throws Exception {
        EgressUrl base = parse("http://example.com/");
        assertThatThrownBy(() -> base.resolve(location, POLICY))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.code()).isEqualTo("invalid_url"));
    }
}
