package dev.serverlessapp.support.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.testing.fuzz.RawHttp;
import dev.serverlessapp.testing.fuzz.ServerErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A request whose head is fine and whose body Netty cannot decode (a chunk size that is not hex) is answered
 * 400 by Reactor Netty while the route is already running. The client gets its problem detail; the function
 * must not act on the body cut short there (its first chunk a whole event), and must not count or log a 5xx
 * of its own, which an operator would page on.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class BodyDecodingFailureTest {

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "decoding");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    // guards the fuzz finding (user-api, seed 20261205): 133 "500 Server Error" lines for requests answered 4xx
    @Test
    void aBodyNettyCannotDecodeIsA400ForTheClientNothingForTheRouteAndNoServerError(CapturedOutput output) throws IOException {
        int calls = EchoFunctionApp.calls.get();
        String request = "POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: " + UUID.randomUUID()
                + "\r\nce-source: /test\r\nce-type: test.echo\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"a\":1}\r\nZZ\r\n";

        RawHttp.Response answer = RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(30))
                .checkProblemOracle();

        assertThat(answer.status()).isEqualTo(400);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(output.getOut() + output.getErr()).doesNotContain("500 Server Error");
            assertThat(ServerErrors.counted(managementPort)).as("requests the function counted as 5xx").isZero();
        });
        assertThat(EchoFunctionApp.calls.get()).as("events the route handled").isEqualTo(calls);
        assertThat(serverRequests()).as("counted with the status the client got").containsPattern("method=\"POST\".*status=\"400\".*uri=\"/\"");
    }

    private String serverRequests() {
        String scrape = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build()
                .get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return scrape.lines().filter(line -> line.startsWith("http_server_requests_seconds_count"))
                .reduce("", (a, b) -> a + b + "\n");
    }
}
