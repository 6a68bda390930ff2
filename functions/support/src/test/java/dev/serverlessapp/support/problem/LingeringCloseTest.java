package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.reactive.LingeringClose;
import dev.serverlessapp.support.cloudevents.CloudEventHttp;
import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.ProblemOracle;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server that refuses a request and closes the connection while the client is still sending its body
 * must not reset the connection under the answer: the client would read an error instead of the refusal.
 * {@link LingeringClose} half-closes, discards what still comes, and closes once the client has.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LingeringCloseTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "lingering");
    }

    @LocalServerPort
    int port;

    // guards the CI finding: a 431 sent while the JDK client still wrote its body was lost to a reset
    // ("HTTP/1.1 header parser received no bytes")
    @Test
    void aRefusalReachesAClientStillSendingItsBody() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = new byte[2 * 1024 * 1024];
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < 20; round++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(TIMEOUT)
                    .header("X-Big", "b".repeat(9000))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            try {
                HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                ProblemOracle.check(answer);
                outcomes.merge(String.valueOf(answer.statusCode()), 1, Integer::sum);
            } catch (IOException lost) {
                outcomes.merge(lost.toString(), 1, Integer::sum);
            }
        }
        assertThat(outcomes).isEqualTo(Map.of("431", 20));
    }

    @Test
    void theRefusalArrivesWholeThoughTheBodyIsUnread() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[500_000]);
            out.flush();
            // The answer, then the server's half-close: no reset, though half the body is still unread.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 431 ").contains("\"status\":431");
        }
    }

    // before: the 413 kept the connection, and Reactor Netty read and dropped the rest of the body, however
    // long it was: a client could keep a function reading for ever
    @Test
    void aBodyOverTheLimitIsRefusedAndTheRestOfItIsNotReadToItsEnd() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: big\r\nce-source: /test\r\n"
                    + "ce-type: test\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[CloudEventHttp.MAX_EVENT_BYTES + 64 * 1024]);
            out.flush();
            // The refusal, then the server's half-close, though a gigabyte was announced.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close")
                    .contains("\"status\":413");
            assertThat(cutOffWhileStillSending(out)).as("cut off within " + TIMEOUT).isTrue();
        }
    }

    // before: a request answered at once (404 here) kept its connection while Reactor Netty read the body the
    // client declared, a gigabyte (measured at 1.4 GB/s for as long as the client sent)
    @Test
    void aBodyGoingOnAfterItsAnswerIsReadOnlyUpToTheLimit() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int sent = 0; sent < 16; sent++) {
                        out.write(new byte[1024 * 1024]);
                    }
                } catch (IOException cutOff) {
                    // the server closed, as it should
                }
            });
            // The answer, then the server's half-close once a megabyte more has come.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 404 ");
            writer.join(TIMEOUT);
        }
    }

    @Test
    void aBodyOfOrdinarySizeAnsweredAtOnceKeepsItsConnection() throws Exception {
        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, TIMEOUT)) {
            byte[] body = new byte[200 * 1024];
            connection.write(List.of(RawHttp.request("POST", "/nowhere", List.of("Host: x",
                    "Content-Length: " + body.length), body)));
            assertThat(connection.read(false).status()).isEqualTo(404);
            connection.write(List.of("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(connection.read(false).status()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatNeitherStopsNorClosesIsCutOffOnceTheLingerEnds() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 400 ");
            assertThat(cutOffWhileStillSending(out)).as("cut off within " + TIMEOUT).isTrue();
        }
    }

    /**
     * Whether the server, which reads and drops what still comes until the linger ends and then closes for
     * good, cuts off a client that goes on sending: its writes meet a reset.
     */
    private static boolean cutOffWhileStillSending(OutputStream out) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                out.write(new byte[1024]);
                out.flush();
                Thread.sleep(100);
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }
}
