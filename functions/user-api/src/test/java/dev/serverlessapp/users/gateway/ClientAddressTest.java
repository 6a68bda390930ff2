package dev.serverlessapp.users.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** Whose bucket a request takes: X-Forwarded-For counts only as far as trusted proxies vouch for it. */
class ClientAddressTest {

    /** Knative's queue-proxy on loopback, and the ingress/activator in the pod network. */
    final ClientAddress clientAddress = new ClientAddress(List.of("127.0.0.1/32", "::1/128", "10.0.0.0/8"));

    @Test
    void directClientIsItsPeerAddress() {
        assertThat(clientAddress.of(from("203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void untrustedPeerCannotChooseItsAddressWithTheHeader() {
        assertThat(clientAddress.of(from("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void trustedHopsVouchForTheAddressBeforeThem() {
        // client → ingress 10.1.2.3 → queue-proxy 127.0.0.1 → function
        assertThat(clientAddress.of(from("127.0.0.1", "198.51.100.7, 10.1.2.3"))).isEqualTo("198.51.100.7");
    }

    @Test
    void addressesAClientPrependedAreIgnored() {
        // The client sent "X-Forwarded-For: 192.0.2.1" itself; the ingress appended its real address.
        assertThat(clientAddress.of(from("127.0.0.1", "192.0.2.1, 198.51.100.7, 10.1.2.3"))).isEqualTo("198.51.100.7");
    }

    @Test
    void hostNamesInTheHeaderAreNeverLookedUp() {
        assertThat(clientAddress.of(from("127.0.0.1", "attacker.example, 10.1.2.3"))).isEqualTo("10.1.2.3");
    }

    @Test
    void ipv6LoopbackIsTrusted() {
        assertThat(clientAddress.of(from("::1", "2001:db8::5"))).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void badTrustedProxySettingFailsAtStart() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")));
        assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddress(List.of("proxy.internal")));
    }

    static MockServerHttpRequest from(String peer, String... forwardedFor) {
        var request = MockServerHttpRequest.get("/users").remoteAddress(new InetSocketAddress(peer, 40000));
        if (forwardedFor.length > 0) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return request.build();
    }
}
