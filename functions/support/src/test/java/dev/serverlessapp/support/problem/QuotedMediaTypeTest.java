package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A media type that opens with a quote ({@code "application/json}) gets an answer, and no server error.
 * Spring Framework 7.0.8's parser threw a StringIndexOutOfBoundsException for it (spring-framework#36971,
 * fixed in 7.0.9): in {@code Content-Type} before any filter ran, so the connection closed with no answer at
 * all, and in {@code Accept} as a 500.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QuotedMediaTypeTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "quoted-media-type");
    }

    @LocalServerPort
    int port;

    @Test
    void anEventWhoseContentTypeOpensWithAQuoteIsAnswered() throws IOException {
        for (String type : new String[] {"\"application/json", "\"application/cloudevents+json", "\"a/b;c=\"d"}) {
            RawHttp.Response answer = send("POST / HTTP/1.1\r\nHost: x\r\nce-specversion: 1.0\r\nce-id: " + UUID.randomUUID()
                    + "\r\nce-source: /test\r\nce-type: test.echo\r\nContent-Type: " + type
                    + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").checkProblemOracle();
            assertThat(answer.status()).as(type).isLessThan(500);
        }
    }

    @Test
    void anAcceptThatOpensWithAQuoteIsAnsweredWithoutAServerError() throws IOException {
        for (String path : new String[] {"/readyz", "/livez", "/"}) {
            RawHttp.Response answer = send("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: \"application/json\r\n"
                    + "Connection: close\r\n\r\n").checkProblemOracle();
            assertThat(answer.status()).as(path).isLessThan(500);
        }
    }

    RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT);
    }
}
