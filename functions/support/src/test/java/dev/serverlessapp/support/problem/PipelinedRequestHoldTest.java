package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.reactive.PipelinedRequestHold;
import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Requests pipelined behind one that is still running wait in {@link PipelinedRequestHold}, and a flood of
 * them is met with TCP back-pressure: the server stops reading instead of holding all of it, and answers
 * every request once the one before it ends.
 */
@SpringBootTest(classes = {EchoFunctionApp.class, PipelinedRequestHoldTest.Gate.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PipelinedRequestHoldTest {

    /** {@code GET /gate} is answered 204 only once the test opens the gate. */
    @TestConfiguration
    static class Gate {
        static volatile Sinks.Empty<Void> gate = Sinks.empty();

        @Bean
        WebFilter gated() {
            return (exchange, chain) -> {
                if (!exchange.getRequest().getPath().value().equals("/gate")) {
                    return chain.filter(exchange);
                }
                exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
                return gate.asMono().then(Mono.defer(() -> exchange.getResponse().setComplete()));
            };
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final byte[] GATE = "GET /gate HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "hold");
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void closeGate() {
        Gate.gate = Sinks.empty();
    }

    @AfterEach
    void openGate() {
        Gate.gate.tryEmitEmpty();
    }

    // guards the hold's bound: it held all that a client pipelined behind a running request, without limit
    @Test
    void aBodyPipelinedBehindARunningRequestIsReadNoFasterThanItCanGoOn() throws Exception {
        int bodyBytes = 64 * 1024 * 1024;
        byte[] head = ("POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream flood = new ByteArrayOutputStream(GATE.length + head.length + bodyBytes);
        flood.writeBytes(GATE);
        flood.writeBytes(head);
        flood.writeBytes(new byte[bodyBytes]);

        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, TIMEOUT)) {
            long taken = connection.writeUntilStalled(flood.toByteArray(), Duration.ofSeconds(1));
            // what the two sockets buffer, and not the 64 MiB the client would send
            assertThat(taken).as("bytes the server took while the request before them ran").isLessThan(16L << 20);
            Gate.gate.tryEmitEmpty();
            assertThat(connection.read(false).status()).isEqualTo(204);
        }
    }

    @Test
    void everyRequestOfAPipelinedFloodIsAnsweredInOrder() throws IOException {
        int requests = 2_000;
        List<byte[]> flood = new ArrayList<>(List.of(GATE));
        for (int i = 0; i < requests; i++) {
            flood.add(("GET /missing-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        try (RawHttp.KeptAlive connection = RawHttp.KeptAlive.open(port, TIMEOUT)) {
            connection.write(flood);
            Gate.gate.tryEmitEmpty();
            assertThat(connection.read(false).status()).isEqualTo(204);
            for (int i = 0; i < requests; i++) {
                RawHttp.Response answer = connection.read(false).checkProblemOracle();
                assertThat(answer.status()).isEqualTo(404);
                assertThat(answer.body()).as("answer %d", i).contains("missing-" + i + ".");
            }
        }
    }
}
