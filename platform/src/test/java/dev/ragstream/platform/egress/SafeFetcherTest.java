package dev.ragstream.platform.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragstream.platform.egress.EgressRefusedException.Reason;
import java.net.ConnectException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF suite without sockets: every refusal here happens before a connection is opened, which
 * the opener proves by recording every address anyone tries to connect to.
 */
class SafeFetcherTest {

    final FixedResolver resolver = new FixedResolver();
    final List<String> connectAttempts = new CopyOnWriteArrayList<>();
    final SocketOpener recordingOpener = (address, port, timeout) -> {
        connectAttempts.add(address.getHostAddress() + ":" + port);
        throw new ConnectException("tests do not connect");
    };

    SafeFetcher fetcher(EgressPolicy policy) {
        return new SafeFetcher(policy, resolver, recordingOpener, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    EgressRefusedException refusal(EgressPolicy policy, String url) {
        try {
            fetcher(policy).fetch(url).close();
        } catch (EgressRefusedException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a refusal, got " + e, e);
        }
        throw new AssertionError("expected a refusal of " + url);
    }

    @ParameterizedTest(name = "{0} is {1} address")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1/ | a loopback", "http://127.255.255.254/ | a loopback", "http://2130706433/ | a loopback",
            "http://0x7f000001/ | a loopback", "http://0177.0.0.1/ | a loopback", "http://127.1/ | a loopback",
            "http://0x7f.1/ | a loopback", "http://017700000001/ | a loopback", "http://127.0.0.1./ | a loopback",
            "http://１２７.０.０.１/ | a loopback", "http://127。0。0。1/ | a loopback", "http://127.0.0.1#@example.com/ | a loopback",
            "http://127.0.0.1?@example.com/ | a loopback", "http://127.0.0.1/@example.com | a loopback",
            "http://[::1]/ | a loopback", "http://[0:0:0:0:0:0:0:1]/ | a loopback", "http://[::ffff:127.0.0.1]/ | a loopback",
            "http://[::ffff:7f00:1]/ | a loopback", "http://[::127.0.0.1]/ | a loopback", "http://[::ffff:0:127.0.0.1]/ | a loopback",
            "http://[2002:7f00:1::]/ | a loopback", "http://[64:ff9b::127.0.0.1]/ | a loopback",
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/ | a loopback",
            "http://0.0.0.0/ | an unspecified", "http://0/ | an unspecified", "http://[::]/ | an unspecified",
            "http://[::ffff:0.0.0.0]/ | an unspecified",
            "http://10.0.0.1/ | a private", "http://167772161/ | a private", "http://012.0.0.1/ | a private",
            "http://172.16.0.1/ | a private", "http://172.31.255.255/ | a private", "http://192.168.1.1/ | a private",
            "http://[fc00::1]/ | a private", "http://[fd12:3456::1]/ | a private", "http://[::ffff:10.0.0.1]/ | a private",
            "http://[2002:a00:1::]/ | a private", "http://[fec0::1]/ | a private", "http://[64:ff9b:1::a00:1]/ | a private",
            "http://169.254.1.1/ | a link-local", "http://[fe80::1]/ | a link-local", "http://[::ffff:169.254.1.1]/ | a link-local",
            "http://169.254.169.254/latest/meta-data/ | a cloud metadata", "http://2852039166/ | a cloud metadata",
            "http://0xa9fea9fe/ | a cloud metadata", "http://0251.0376.0251.0376/ | a cloud metadata",
            "http://169.254.43518/ | a cloud metadata", "http://[::ffff:169.254.169.254]/ | a cloud metadata",
            "http://[::ffff:a9fe:a9fe]/ | a cloud metadata", "http://[fd00:ec2::254]/ | a cloud metadata",
            "http://[fd20:ce::254]/ | a cloud metadata", "http://100.100.100.200/ | a cloud metadata",
            "http://168.63.129.16/ | a cloud metadata", "http://169.254.170.2/v2/credentials | a cloud metadata",
            "http://[64:ff9b::a9fe:a9fe]/ | a cloud metadata", "http://[2002:a9fe:a9fe::]/ | a cloud metadata",
            "http://[2001:0:4136:e378:8000:63bf:5601:5601]/ | a cloud metadata",
            "http://100.64.0.1/ | a carrier-grade NAT", "http://100.127.255.255/ | a carrier-grade NAT",
            "http://224.0.0.1/ | a multicast", "http://239.255.255.250/ | a multicast", "http://[ff02::1]/ | a multicast",
            "http://255.255.255.255/ | the broadcast", "http://4294967295/ | the broadcast", "http://0xffffffff/ | the broadcast",
            "http://240.0.0.1/ | a reserved", "http://192.0.0.1/ | a reserved", "http://[100::1]/ | a reserved",
            "http://[2001:2::1]/ | a reserved",
            "http://198.18.0.1/ | a benchmarking", "http://198.19.255.255/ | a benchmarking",
            "http://192.0.2.1/ | a documentation", "http://198.51.100.1/ | a documentation", "http://203.0.113.1/ | a documentation",
            "http://[2001:db8::1]/ | a documentation",
            "https://127.0.0.1/ | a loopback", "https://[::1]:443/ | a loopback"
    })
    void refusesEveryNonPublicAddressInEveryNotationWithoutConnecting(String url, String kind) {
        EgressRefusedException refusal = refusal(EgressPolicy.defaults(), url);
        assertThat(refusal.reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(refusal).hasMessageContaining(kind + " address");
        assertThat(resolver.questions()).isZero();
        assertThat(connectAttempts).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.0.0.1", "172.20.1.1", "192.168.0.10",
            "fd00::10", "169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.10.10", "fe80::1", "100.64.1.1",
            "224.0.0.251", "ff02::fb", "255.255.255.255", "240.1.2.3", "::127.0.0.1", "::ffff:127.0.0.1", "2002:7f00:1::",
            "64:ff9b::a9fe:a9fe", "2001:0:4136:e378:8000:63bf:80ff:fffe", "198.18.5.5", "192.0.2.44"})
    void refusesANameThatResolvesToANonPublicAddress(String address) {
        resolver.map("innocent.example", address);
        EgressRefusedException refusal = refusal(EgressPolicy.defaults(), "http://innocent.example/page");
        assertThat(refusal.reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(refusal).hasMessageContaining("innocent.example resolves to");
        assertThat(connectAttempts).isEmpty();
    }

    @Test
    void refusesANameWithOnePublicAndOnePrivateAddress() {
        resolver.map("split.example", "93.184.215.14", "10.0.0.7");
        assertThat(refusal(EgressPolicy.defaults(), "http://split.example/").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        resolver.map("split6.example", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::1");
        assertThat(refusal(EgressPolicy.defaults(), "http://split6.example/").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(connectAttempts).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost/", "http://LOCALHOST./", "http://localhost:443/"})
    void refusesLocalhostThroughTheSystemResolver(String url) {
        SafeFetcher system = new SafeFetcher(EgressPolicy.defaults(), DnsResolver.system(), recordingOpener,
                (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertThatThrownBy(() -> system.fetch(url))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ADDRESS_BLOCKED));
        assertThat(connectAttempts).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254",
            "fd20:ce::254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "169.254.1.1", "fe80::1", "0.0.0.0", "::",
            "224.0.0.1", "255.255.255.255", "240.0.0.1"})
    void theAllowListNeverUnblocksMetadataLinkLocalOrUnroutableAddresses(String address) {
        resolver.map("metadata.internal", address);
        EgressPolicy policy = EgressPolicy.defaults().withAllowedPrivateHosts("metadata.internal", address);
        assertThat(refusal(policy, "http://metadata.internal/").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        String literal = address.contains(":") ? "[" + address + "]" : address;
        assertThat(refusal(policy, "http://" + literal + "/").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(connectAttempts).isEmpty();
    }

    @Test
    void theAllowListLetsOnlyTheNamedHostReachPrivateAddresses() {
        resolver.map("wiki.intranet", "10.1.2.3").map("other.intranet", "10.1.2.4");
        EgressPolicy policy = EgressPolicy.defaults().withAllowedPrivateHosts("WIKI.intranet.");
        assertThat(refusal(policy, "http://wiki.intranet/page").reason()).isEqualTo(Reason.CONNECTION_FAILED);
        assertThat(connectAttempts).containsExactly("10.1.2.3:80");
        assertThat(refusal(policy, "http://other.intranet/page").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(refusal(policy, "http://10.1.2.3/page").reason()).isEqualTo(Reason.ADDRESS_BLOCKED);
        assertThat(connectAttempts).containsExactly("10.1.2.3:80");
    }

    @Test
    void connectsToEachValidatedAddressInTurnAndToNothingElse() {
        resolver.map("public.example", "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c");
        EgressRefusedException refusal = refusal(EgressPolicy.defaults(), "https://public.example/");
        assertThat(refusal.reason()).isEqualTo(Reason.CONNECTION_FAILED);
        assertThat(refusal.retryable()).isTrue();
        assertThat(connectAttempts).containsExactly("93.184.215.14:443", "2606:2800:21f:cb07:6820:80da:af6b:8b2c:443");
        assertThat(resolver.questions("public.example")).isEqualTo(1);
    }

    @Test
    void namesThatDoNotResolveAreUnresolvable() {
        assertThat(refusal(EgressPolicy.defaults(), "http://nowhere.invalid/").reason()).isEqualTo(Reason.UNRESOLVABLE_HOST);
        SafeFetcher empty = new SafeFetcher(EgressPolicy.defaults(), host -> new InetAddress[0], recordingOpener,
                (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertThatThrownBy(() -> empty.fetch("http://empty.example/"))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.code()).isEqualTo("unresolvable_host"));
    }

    @Test
    void refusesBadUrlsSchemesAndPortsBeforeResolvingAnything() {
        assertThat(refusal(EgressPolicy.defaults(), "http://user@innocent.example/").code()).isEqualTo("invalid_url");
        assertThat(refusal(EgressPolicy.defaults(), "file:///etc/passwd").code()).isEqualTo("scheme_not_allowed");
        assertThat(refusal(EgressPolicy.defaults(), "gopher://innocent.example:70/").code()).isEqualTo("scheme_not_allowed");
        assertThat(refusal(EgressPolicy.defaults(), "http://innocent.example:6379/").code()).isEqualTo("port_not_allowed");
        assertThat(refusal(EgressPolicy.defaults(), "http://[::1%25lo]/").code()).isEqualTo("invalid_url");
        assertThat(resolver.questions()).isZero();
        assertThat(connectAttempts).isEmpty();
    }

    @Test
    void messagesNameTheOriginButNeverThePathQueryOrResolvedAddress() {
        resolver.map("innocent.example", "10.9.8.7");
        EgressRefusedException refusal = refusal(EgressPolicy.defaults(), "http://innocent.example/private/doc?token=s3cr3t");
        assertThat(refusal).hasMessageContaining("http://innocent.example")
                .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("/private").hasMessageNotContaining("10.9.8.7");
        assertThat(refusal.retryable()).isFalse();
    }
}
