package dev.stepwise.kube.notify;

import dev.stepwise.kube.notify.AddressPolicy.Refused;
import dev.stepwise.kube.notify.AddressPolicy.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a notification may go: each row is a URL, what its host resolved to (for a name; an IP
 * literal is never looked up), and what the policy decided: the address connected to, or the
 * coarse result a Run's status shows.
 */
class AddressPolicyTest {
    private static final AddressPolicy STRICT = AddressPolicy.strict();
    private static final AddressPolicy ALLOWING = AddressPolicy.of(
            List.of("127.0.0.1", "10.0.0.0/8", " alertmanager.monitoring.svc ", "fd00::/8", "Hooks.Internal.", ""), List.of());

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // loopback, in every spelling a resolver or a URL parser accepts
            "https://127.0.0.1/                        | - | refused: loopback address",
            "https://127.255.255.254:8443/x            | - | refused: loopback address",
            "https://127.1/                            | - | refused: loopback address",
            "https://0x7f.1/                           | - | refused: loopback address",
            "https://0x7F.0.0.1/                       | - | refused: loopback address",
            "https://2130706433/                       | - | refused: loopback address",
            "https://017700000001/                     | - | refused: loopback address",
            "https://0177.0.0.1/                       | - | refused: loopback address",
            "https://[::1]/                            | - | refused: loopback address",
            "https://[0:0:0:0:0:0:0:1]:443/            | - | refused: loopback address",
            "https://[::ffff:127.0.0.1]/               | - | refused: loopback address",
            "https://[::FFFF:7f00:1]/                  | - | refused: loopback address",
            "https://[::127.0.0.1]/                    | - | refused: loopback address",
            "https://[2002:7f00:1::]/                  | - | refused: loopback address",
            "https://good@127.0.0.1/                   | - | refused: loopback address",
            "https://good.example:443@127.0.0.1/       | - | refused: loopback address",
            "https://localhost./                       | 127.0.0.1 | refused: loopback address",
            "https://LOCALHOST/                        | 127.0.0.1 ::1 | refused: loopback address",
            // link-local: the cloud metadata endpoint among them
            "https://169.254.169.254/latest/meta-data/ | - | refused: link-local address",
            "https://[::ffff:a9fe:a9fe]/               | - | refused: link-local address",
            "https://[64:ff9b::169.254.169.254]/       | - | refused: link-local address",
            "https://[fe80::1]/                        | - | refused: link-local address",
            "https://[FEBF::1]/                        | - | refused: link-local address",
            "https://metadata.google.internal/         | 169.254.169.254 | refused: link-local address",
            // private, CGNAT, IPv6 unique local (site-local too)
            "https://10.0.0.1/                         | - | refused: private address",
            "https://10.255.255.255/                   | - | refused: private address",
            "https://172.16.0.1/                       | - | refused: private address",
            "https://172.31.255.255/                   | - | refused: private address",
            "https://192.168.0.1/                      | - | refused: private address",
            "https://100.64.0.1/                       | - | refused: private address",
            "https://100.127.255.255/                  | - | refused: private address",
            "https://[fc00::1]/                        | - | refused: private address",
            "https://[fdff:ffff::1]/                   | - | refused: private address",
            "https://[fec0::1]/                        | - | refused: private address",
            "https://[::ffff:10.1.2.3]/                | - | refused: private address",
            "https://[2002:c0a8:101::1]/               | - | refused: private address",
            "https://[64:ff9b:1::a00:1]/               | - | refused: private address",
            "https://kubernetes.default.svc/           | 10.96.0.1 | refused: private address",
            "https://other-tenant.ns.svc:8080/         | 10.244.1.7 | refused: private address",
            // multicast, unspecified, reserved
            "https://224.0.0.1/                        | - | refused: multicast address",
            "https://239.255.255.250/                  | - | refused: multicast address",
            "https://[ff02::1]/                        | - | refused: multicast address",
            "https://0.0.0.0/                          | - | refused: unspecified address",
            "https://0/                                | - | refused: unspecified address",
            "https://[::]/                             | - | refused: unspecified address",
            "https://[::ffff:0.0.0.0]/                 | - | refused: unspecified address",
            "https://0.1.2.3/                          | - | refused: reserved address",
            "https://240.0.0.1/                        | - | refused: reserved address",
            "https://255.255.255.255/                  | - | refused: reserved address",
            "https://192.0.0.8/                        | - | refused: reserved address",
            "https://192.0.2.1/                        | - | refused: reserved address",
            "https://198.18.0.1/                       | - | refused: reserved address",
            "https://198.19.255.255/                   | - | refused: reserved address",
            "https://198.51.100.1/                     | - | refused: reserved address",
            "https://203.0.113.9/                      | - | refused: reserved address",
            "https://[2001:db8::1]/                    | - | refused: reserved address",
            "https://[100::1]/                         | - | refused: reserved address",
            "https://[::2]/                            | - | refused: reserved address",
            // public: the edges of the ranges above are reachable
            "https://8.8.8.8/                          | - | connect 8.8.8.8",
            "https://172.15.255.255/                   | - | connect 172.15.255.255",
            "https://172.32.0.1/                       | - | connect 172.32.0.1",
            "https://192.169.0.1/                      | - | connect 192.169.0.1",
            "https://100.63.255.255/                   | - | connect 100.63.255.255",
            "https://100.128.0.1/                      | - | connect 100.128.0.1",
            "https://169.253.255.255/                  | - | connect 169.253.255.255",
            "https://223.255.255.255/                  | - | connect 223.255.255.255",
            "https://[2606:4700:4700::1111]/           | - | connect 2606:4700:4700:0:0:0:0:1111",
            "https://[::ffff:8.8.4.4]/                 | - | connect 8.8.4.4",
            "https://[64:ff9b::808:808]/               | - | connect 64:ff9b:0:0:0:0:808:808",
            "https://127.0.0.1@hooks.example.com/      | 93.184.216.34 | connect 93.184.216.34",
            "https://hooks.example.com/x               | 93.184.216.34 | connect 93.184.216.34",
            // a name with several addresses: only an allowed one is connected to
            "https://hooks.example.com/                | 10.0.0.5 93.184.216.34 | connect 93.184.216.34",
            "https://hooks.example.com/                | 127.0.0.1 10.0.0.5 | refused: loopback address",
            "https://hooks.example.com/                | - | refused: unknown host",
            // not an https URL
            "http://hooks.example.com/                 | 93.184.216.34 | refused: http not allowed",
            "HTTP://8.8.8.8/                           | - | refused: http not allowed",
            "http://0x7f.1/                            | - | refused: http not allowed",
            "http://2130706433/                        | - | refused: http not allowed",
            "ftp://hooks.example.com/                  | - | refused: not an https URL",
            "file:///etc/passwd                        | - | refused: not an https URL",
            "hooks.example.com/x                       | - | refused: not an https URL",
            "mailto:ops@example.com                    | - | refused: not an https URL",
            "https:/hooks.example.com/                 | - | refused: bad URL",
            "https://                                  | - | refused: bad URL",
            "https://exa mple.com/                     | - | refused: bad URL",
            "https://[fe80::1%25eth0]/                 | - | refused: bad URL",
            "https://[127.0.0.1]/                      | - | refused: bad URL",
            "https://[::1/                             | - | refused: bad URL",
            "https://1.2.3.4.5/                        | - | refused: bad URL",
            "https://256.1.1.1/                        | - | refused: bad URL",
            "https://4294967296/                       | - | refused: bad URL",
            "https://08.0.0.1/                         | - | refused: bad URL",
            "https://hooks.example.com:0/              | - | refused: bad URL",
            "https://hooks.example.com:65536/          | - | refused: bad URL",
            "https://hooks.example.com:x/              | - | refused: bad URL",
    })
    void strictPolicyReachesOnlyPublicHttpsReceivers(String url, String resolved, String expected) {
        assertThat(decide(STRICT, url, resolved)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "http://127.0.0.1:9000/hook                | - | connect 127.0.0.1",
            "https://127.0.0.1/                        | - | connect 127.0.0.1",
            "https://[::ffff:127.0.0.1]/               | - | connect 127.0.0.1",
            "https://127.0.0.2/                        | - | refused: loopback address",
            "https://localhost/                        | 127.0.0.1 | connect 127.0.0.1",
            "http://10.1.2.3/                          | - | connect 10.1.2.3",
            "https://[::ffff:10.0.0.1]/                | - | connect 10.0.0.1",
            "http://alertmanager.monitoring.svc:9093/  | 192.168.1.1 | connect 192.168.1.1",
            "http://ALERTMANAGER.monitoring.svc.:9093/ | 127.0.0.9 | connect 127.0.0.9",
            "http://hooks.internal/                    | 172.20.0.4 | connect 172.20.0.4",
            "http://chat.example/                      | 10.0.0.9 | connect 10.0.0.9",
            "http://chat.example/                      | 93.184.216.34 10.0.0.9 | connect 10.0.0.9",
            "http://chat.example/                      | 93.184.216.34 | refused: http not allowed",
            "http://8.8.8.8/                           | - | refused: http not allowed",
            "https://[fd00::5]/                        | - | connect fd00:0:0:0:0:0:0:5",
            "https://[fd80::5]/                        | - | connect fd80:0:0:0:0:0:0:5",
            "https://[fc00::5]/                        | - | refused: private address",
            "https://192.168.1.1/                      | - | refused: private address",
            "https://169.254.169.254/                  | - | refused: link-local address",
    })
    void theAllowListOpensNamedHostsAndBlocksOnly(String url, String resolved, String expected) {
        assertThat(decide(ALLOWING, url, resolved)).isEqualTo(expected);
    }

    @Test
    void theOperatorsOwnAddressesAreRefusedUnlessAllowListed() throws Exception {
        AddressPolicy own = AddressPolicy.of(List.of(), List.of(ip("93.184.216.34"), ip("2606:4700::6810:84e5")));
        assertThat(decide(own, "https://93.184.216.34/", null)).isEqualTo("refused: operator's own address");
        assertThat(decide(own, "https://[::ffff:93.184.216.34]/", null)).isEqualTo("refused: operator's own address");
        assertThat(decide(own, "https://[2606:4700::6810:84e5]/", null)).isEqualTo("refused: operator's own address");
        assertThat(decide(own, "https://api.example.com/", "93.184.216.34 93.184.216.35")).isEqualTo("connect 93.184.216.35");
        AddressPolicy allowed = AddressPolicy.of(List.of("93.184.216.0/24"), List.of(ip("93.184.216.34")));
        assertThat(decide(allowed, "https://93.184.216.34/", null)).isEqualTo("connect 93.184.216.34");
    }

    @Test
    void anIpv4MappedAddressFromAResolverIsJudgedAsTheIpv4AddressItIs() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(v6).isInstanceOf(Inet6Address.class);
        Target t = STRICT.target("https://rebind.example/");
        assertThatThrownBy(() -> STRICT.choose(t, List.of(v6))).isInstanceOf(Refused.class)
                .hasMessage("refused: loopback address");
        byte[] mappedPrivate = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        assertThat(ALLOWING.choose(t, List.of(Inet6Address.getByAddress(null, mappedPrivate, -1))).getHostAddress())
                .isEqualTo("0:0:0:0:0:ffff:a00:1");
    }

    @Test
    void aTargetKeepsTheHostForTlsAndLogsOnlyTheOrigin() throws Exception {
        Target t = STRICT.target("HTTPS://user:pw@Hooks.Example.COM.:8443/services/T0/B1?token=s3cr3t#frag");
        assertThat(t.https()).isTrue();
        assertThat(t.host()).isEqualTo("hooks.example.com");
        assertThat(t.port()).isEqualTo(8443);
        assertThat(t.requestUri()).isEqualTo("/services/T0/B1?token=s3cr3t");
        assertThat(t.literal()).isNull();
        assertThat(t.toString()).isEqualTo("https://hooks.example.com:8443");
        Target bare = STRICT.target("https://hooks.example.com");
        assertThat(bare.port()).isEqualTo(443);
        assertThat(bare.requestUri()).isEqualTo("/");
        Target ip = STRICT.target("https://[2606:4700:4700::1111]:8443/x");
        assertThat(ip.host()).isEqualTo("2606:4700:4700:0:0:0:0:1111");
        assertThat(ip.origin()).isEqualTo("https://[2606:4700:4700:0:0:0:0:1111]:8443");
        assertThat(STRICT.target("https://x.example:80/").port()).isEqualTo(80);
        assertThat(ALLOWING.target("http://10.0.0.1/").port()).isEqualTo(80);
        assertThat(STRICT.target("https://hooks.example.com:/a").port()).isEqualTo(443);
        assertThat(STRICT.target("https://under_score.example.com/").host()).isEqualTo("under_score.example.com");
    }

    @Test
    void aVeryLongUrlIsRefused() {
        String url = "https://hooks.example.com/" + "a".repeat(AddressPolicy.MAX_URL_LENGTH);
        assertThat(decide(STRICT, url, "93.184.216.34")).isEqualTo("refused: bad URL");
    }

    @Test
    void anAllowListEntryThatIsNeitherHostNorCidrStopsTheOperator() {
        for (String entry : List.of("10.0.0.0/33", "256.0.0.0/8", "::1/129", "foo/8", "10.0.0.0/x", "exa mple.com", "1.2.3",
                "https://hooks.example.com", "*.example.com")) {
            assertThatThrownBy(() -> AddressPolicy.of(List.of(entry), List.of()), entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("stepwise.notifications.allowed-hosts: '" + entry + "' is ");
        }
    }

    private static String decide(AddressPolicy policy, String url, String resolved) {
        try {
            Target t = policy.target(url);
            List<InetAddress> addresses = t.literal() != null ? List.of(t.literal())
                    : resolved == null ? List.of() : Arrays.stream(resolved.trim().split(" +")).map(AddressPolicyTest::ip).toList();
            return "connect " + policy.choose(t, addresses).getHostAddress();
        } catch (Refused r) {
            return r.result();
        }
    }

    /** An IP literal (never a lookup). */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
