package dev.serverlessapp.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortTakenExceptionTest {

    @Test
    void aTakenPortGetsOneLineThatNamesTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> PortTakenException.check(taken.getLocalPort(), "API", "--api-port"))
                    .isInstanceOf(PortTakenException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " (API)")
                    .hasMessageContaining("--api-port=<another port>")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void zeroIsLeftForTheServerToBindItself() {
        // A number picked here would be free only until someone else bound it first.
        assertThat(PortTakenException.check(0, "API", "--api-port")).isZero();
    }
}
