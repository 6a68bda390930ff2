package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * What Reactor Netty refuses before any route runs gets the same problem detail as every other 4xx, in
 * every function: a request line or header block over Netty's limits, and bytes that are not HTTP/1.1;
 * on a kept-alive connection too, right after another answer.
 */
@SpringBootTest(classes = {EchoFunctionApp.class, NettyRefusalProblemsTest.LateToEnd.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NettyRefusalProblemsTest {

    /**
     * Each exchange on {@code /readyz} ends 300 ms after its answer is written, as an exchange does whose
     * filters still have work after the answer: the window in which the next request on the connection
     * arrives before the one before it has ended.
     */
    @TestConfiguration
    static class LateToEnd {
        @Bean
        WebFilter endLate() {
            return (exchange, chain) -> exchange.getRequest().getPath().value().equals("/readyz")
                    ? chain.filter(exchange).then(Mono.defer(() -> exchange.getResponse().setComplete()))
                            .then(Mono.delay(Duration.ofMillis(300)).then())
                    : chain.filter(exchange);
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "refusals");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    // guards the hostile-input finding: Netty answered 414, 431 and 400 with a bare status and no body
    @Test
    void requestLineTooLongGets414ProblemDetail() throws IOException {
        RawHttp.Response answer = send("POST /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n").checkProblemOracle();
        assertThat(answer.status()).isEqualTo(414);
        assertThat(answer.body()).contains("\"title\":\"URI too long\"");
    }

    @Test
    void headersTooLargeGet431ProblemDetail() throws IOException {
        RawHttp.Response answer = send("POST / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")
                .checkProblemOracle();
        assertThat(answer.status()).isEqualTo(431);
    }

    @Test
    void bytesThatAreNotHttpGet400ProblemDetail() throws IOException {
        for (String request : new String[] {"\u0016\u0003\u0001\u0002\u0000\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n"}) {
            assertThat(send(request).checkProblemOracle().status()).isEqualTo(400);
        }
    }

    // guards the KeptAliveFuzz finding: a request Netty could not decode, sent on a kept-alive connection
    // just after the answer before it, got no answer at all (its 400 went to the request before it)
    @Test
    void undecodableRequestRightAfterAnAnswerOnTheSameConnectionGetsItsProblemDetail() throws IOException {
        for (String refused : new String[] {"GET /readyz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0001b\r\n\r\n",
                "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n"}) {
            try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, Duration.ofSeconds(5))) {
                connection.write(List.of("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
                assertThat(connection.read(false).status()).isEqualTo(200);
                connection.write(List.of(refused.getBytes(StandardCharsets.ISO_8859_1)));
                RawHttp.Response answer = connection.read(false).checkProblemOracle();
                assertThat(answer.status()).as(refused.substring(0, 40)).isIn(400, 414, 431);
                assertThat(answer.header("Connection")).isEqualTo("close");
            }
        }
    }

    // guards the finding that the management server (a child context) took none of the serving port's
    // connection handling: bare 431 and 400, and kept-alive connections without the hold
    @Test
    void theManagementPortRefusesWithProblemDetailsToo() throws IOException {
        RawHttp.Response tooLarge = RawHttp.exchange(managementPort, ("GET /actuator/health HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "b".repeat(9000) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), TIMEOUT).checkProblemOracle();
        assertThat(tooLarge.status()).isEqualTo(431);
        RawHttp.Response badUri = RawHttp.exchange(managementPort,
                "GET /actuator/health/%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), TIMEOUT)
                .checkProblemOracle();
        assertThat(badUri.status()).isEqualTo(400);
        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(managementPort, Duration.ofSeconds(5))) {
            connection.write(List.of("GET /actuator/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    "GET /actuator/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0001b\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(connection.read(false).status()).isEqualTo(200);
            assertThat(connection.read(false).checkProblemOracle().status()).isEqualTo(400);
        }
    }

    @Test
    void ordinaryAnswersAreLeftAlone() throws IOException {
        RawHttp.Response answer = send("POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: "
                + UUID.randomUUID() + "\r\nce-source: /test\r\nce-type: test.echo\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).doesNotContain("problem");
        assertThat(answer.body()).isEqualTo("{}");
    }

    RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT);
    }
}
