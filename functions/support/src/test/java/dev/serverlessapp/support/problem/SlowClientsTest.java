package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that sends nothing, or sends its request slowly, holds a connection (and a request) only so
 * long: an idle connection is closed, a request head not whole in time gets 408, and so does an event whose
 * body stops short. Before, each was held for as long as the client kept the connection open.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.connection.idle-timeout=PT3S", "app.connection.head-timeout=PT1S",
                "app.request.body-timeout=PT1S"})
class SlowClientsTest {

    /** Far beyond every bound above: a test that reaches it has found a connection held. */
    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final byte[] READYZ = "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "slow-clients");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    // before: held for as long as the client kept it
    @Test
    void aConnectionThatSendsNothingIsClosedOnceIdleOnEitherPort() throws IOException {
        for (int onPort : List.of(port, managementPort)) {
            try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(onPort, PATIENCE)) {
                long start = System.nanoTime();
                assertThat(connection.closedQuietly()).as("port " + onPort).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the idle timeout")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(2500));
            }
        }
    }

    @Test
    void aKeptAliveConnectionServesWithinTheIdleTimeoutAndIsClosedPastIt() throws IOException, InterruptedException {
        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, PATIENCE)) {
            connection.write(List.of(READYZ));
            assertThat(connection.read(false).status()).isEqualTo(200);
            Thread.sleep(1500);
            connection.write(List.of(READYZ));
            assertThat(connection.read(false).status()).isEqualTo(200);
            assertThat(connection.closedQuietly()).isTrue();
        }
    }

    // a slowloris client: one byte of its head at a time, each well within the idle timeout
    @Test
    void aHeadTrickledInGets408AndItsConnectionEndsOnEitherPort() throws IOException {
        for (int onPort : List.of(port, managementPort)) {
            try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(onPort, PATIENCE)) {
                byte[] head = ("GET /readyz HTTP/1.1\r\nHost: x\r\n" + "X-Slow: y\r\n".repeat(1000))
                        .getBytes(StandardCharsets.ISO_8859_1);
                Thread trickle = Thread.ofVirtual().start(() -> {
                    try {
                        for (byte b : head) {
                            connection.write(List.of(new byte[] {b}));
                            Thread.sleep(200);
                        }
                    } catch (IOException | InterruptedException cutOff) {
                        // the server closed, as it should, or the test is over
                    }
                });
                RawHttp.Response answer = connection.read(false).checkProblemOracle();
                trickle.interrupt();
                assertThat(answer.status()).as("port " + onPort).isEqualTo(408);
                assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
                assertThat(connection.closedQuietly()).isTrue();
            }
        }
    }

    // before: the event door waited for the rest of the body for ever
    @Test
    void anEventWhoseBodyStopsShortGets408AndItsConnectionEnds() throws IOException {
        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, PATIENCE)) {
            connection.write(List.of(RawHttp.request("POST", "/", List.of("Host: x", "ce-specversion: 1.0",
                    "ce-id: short", "ce-source: /test", "ce-type: test.echo", "Content-Type: application/json",
                    "Content-Length: 100"), "{\"half\":".getBytes(StandardCharsets.ISO_8859_1))));
            RawHttp.Response answer = connection.read(false).checkProblemOracle();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedQuietly()).isTrue();
        }
    }
}
