package dev.serverlessapp.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

class RequestBodyTest {

    private static final int LIMIT = 1024;

    private final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> RequestBody.read(request, response, LIMIT, FrontDoor.Timeouts.defaults())
                    .flatMap(body -> response.sendString(Mono.just("took " + body.length)).then())
                    .onErrorResume(RequestBody::isRefused, error -> RequestBody.refuse(response, error)))
            .bindNow();

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    @Test
    void aBodyWithinTheLimitIsRead() throws Exception {
        HttpResponse<String> answer = post(LIMIT);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("took " + LIMIT);
    }

    // guards the lingering close: answering 413 and closing with the body unread reset the connection,
    // and a sender still writing its body lost the answer ("header parser received no bytes")
    @Test
    void aSenderOfABodyOverTheLimitGetsThe413() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> answer = post(4 * 1024 * 1024);
            assertThat(answer.statusCode()).isEqualTo(413);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    private HttpResponse<String> post(int size) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(size), StandardCharsets.US_ASCII)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
