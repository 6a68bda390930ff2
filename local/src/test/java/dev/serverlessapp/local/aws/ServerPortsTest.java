package dev.serverlessapp.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.backends.Dynalite;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.SmtpCatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The race of {@code --random-ports}, forced: the first port handed out is taken by someone else after it
 * was picked and before the server binds it (a socket bound to it, not listening, so that it still looks
 * free). The server must end up on another port, and work.
 */
class ServerPortsTest {

    private Socket squatter;
    private int taken;
    private final AtomicInteger picks = new AtomicInteger();

    @BeforeEach
    void takeAPortQuietly() throws IOException {
        squatter = new Socket();
        squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        taken = squatter.getLocalPort();
        assertThat(Ports.isListening(taken)).as("the taken port looks free").isFalse();
    }

    @AfterEach
    void release() throws IOException {
        squatter.close();
    }

    /** Hands out the taken port first, then free ones. */
    private IntSupplier takenFirst() {
        return () -> picks.getAndIncrement() == 0 ? taken : Ports.free();
    }

    @Test
    void dynaliteGetsAFreshPortWhenItsPortWasTakenBeforeItCouldBindIt() throws IOException {
        try (Dynalite dynalite = new ServerPorts(takenFirst()).start(0, "DynamoDB", "--dynamodb-port",
                port -> Dynalite.start(port, null))) {
            int port = dynalite.endpoint().getPort();

            assertThat(port).isNotEqualTo(taken);
            assertThat(picks).hasValue(2);
            assertThat(httpStatusLine(port)).startsWith("HTTP/1.1 ");
        }
    }

    @Test
    void anInProcessServerGetsAFreshPortToo() throws IOException {
        try (SmtpCatcher smtp = new ServerPorts(takenFirst()).start(0, "SMTP", "--smtp-port", SmtpCatcher::start)) {
            assertThat(smtp.port()).isNotEqualTo(taken);
            assertThat(picks).hasValue(2);
            assertThat(firstLine(smtp.port(), null)).startsWith("220 ");
        }
    }

    @Test
    void aPortThatIsListenedOnAlreadyIsNeverHandedToTheServer() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger started = new AtomicInteger();
            int port = new ServerPorts(() -> picks.getAndIncrement() == 0 ? listening.getLocalPort() : Ports.free())
                    .start(0, "SMTP", "--smtp-port", p -> {
                        started.incrementAndGet();
                        return p;
                    });

            assertThat(port).isNotEqualTo(listening.getLocalPort());
            assertThat(started).hasValue(1);
        }
    }

    @Test
    void aFailureThatIsNotAboutThePortIsNotRetried() {
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> new ServerPorts(Ports::free).start(0, "DynamoDB", "--dynamodb-port", port -> {
            tries.incrementAndGet();
            throw new IllegalStateException("Node.js is needed for dynalite");
        })).hasMessage("Node.js is needed for dynalite");
        assertThat(tries).hasValue(1);
    }

    @Test
    void aFixedPortIsTriedOnceAndATakenOneNamesItsFlag() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> new ServerPorts(takenFirst()).start(listening.getLocalPort(), "SMTP", "--smtp-port",
                    SmtpCatcher::start)).isInstanceOf(PortTakenException.class).hasMessageContaining("--smtp-port");
            assertThat(picks).hasValue(0);
        }
    }

    @Test
    void portTakenIsReadFromEachServersOwnWords() {
        assertThat(ServerPorts.portTaken(new IllegalStateException("dynalite exited with code 1 before listening; "
                + "its output:\nError: listen EADDRINUSE: address already in use 127.0.0.1:4567"))).isTrue();
        assertThat(ServerPorts.portTaken(new RuntimeException("start", new java.net.BindException("Address already in use")))).isTrue();
        assertThat(ServerPorts.portTaken(new IllegalStateException("dynalite did not listen on port 1 within PT30S"))).isFalse();
    }

    private static String httpStatusLine(int port) throws IOException {
        return firstLine(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    private static String firstLine(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            if (request != null) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
