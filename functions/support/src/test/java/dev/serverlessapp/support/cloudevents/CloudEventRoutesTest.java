package dev.serverlessapp.support.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The CloudEvents binding over real HTTP, in both content modes, with idempotency on dynalite. As in
 * the sdk-java spring-reactive example, each test posts a request and checks the ce-* headers back.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class CloudEventRoutesTest {


    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        EchoFunctionApp.backends(registry, "support");
    }

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    @BeforeEach
    void resetCalls() {
        EchoFunctionApp.calls.set(0);
    }

    @Test
    void binaryModeEventGetsBinaryReply() {
        String id = UUID.randomUUID().toString();
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test")
                .header("ce-type", "test.echo")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"hello\":\"world\"}")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("ce-id", "reply-" + id)
                .expectHeader().valueEquals("ce-type", "test.echoed")
                .expectHeader().valueEquals("ce-source", "/echo")
                .expectBody().json("{\"hello\":\"world\"}");
    }

    @Test
    void structuredModeEventGetsBinaryReply() {
        String id = UUID.randomUUID().toString();
        http.post().uri("/")
                .contentType(MediaType.parseMediaType("application/cloudevents+json"))
                .bodyValue("""
                        {"specversion":"1.0","id":"%s","source":"/test","type":"test.echo",
                         "datacontenttype":"application/json","data":{"n":1}}""".formatted(id))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("ce-id", "reply-" + id)
                .expectHeader().valueEquals("ce-specversion", "1.0")
                .expectBody().json("{\"n\":1}");
    }

    @Test
    void eventWithoutReplyGets202AndNoCeHeaders() {
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/test").header("ce-type", "test.silent")
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().doesNotExist("ce-id")
                .expectHeader().doesNotExist("ce-type");
    }

    @Test
    void redeliveredEventHasItsEffectOnceAndGetsTheSameReply() {
        String id = UUID.randomUUID().toString();
        for (int delivery = 0; delivery < 3; delivery++) {
            http.post().uri("/")
                    .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test")
                    .header("ce-type", "test.echo")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"a\":1}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("ce-id", "reply-" + id);
        }
        assertThat(EchoFunctionApp.calls).hasValue(1);
    }

    /**
     * A broker retry that arrives while the first delivery is still being handled (the connection broke,
     * say) waits for the first answer instead of answering 409 until the broker gives up.
     */
    @Test
    void redeliveryWhileTheFirstIsBeingHandledGetsItsAnswer() {
        EchoFunctionApp.gate = Sinks.empty();
        String id = UUID.randomUUID().toString();
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        Mono<Integer> first = slowEvent(client, id).cache();
        first.subscribe();
        await().until(() -> EchoFunctionApp.calls.get() == 1);

        int readsBefore = EchoFunctionApp.dynamo.reads.get();
        Mono<Integer> redelivery = slowEvent(client, id).cache();
        redelivery.subscribe();
        // The redelivery has found the first delivery's claim in progress before the first one ends.
        await().until(() -> EchoFunctionApp.dynamo.reads.get() > readsBefore);
        EchoFunctionApp.gate.tryEmitEmpty();

        assertThat(first.block(Duration.ofSeconds(20))).isEqualTo(202);
        assertThat(redelivery.block(Duration.ofSeconds(20))).isEqualTo(202);
        assertThat(EchoFunctionApp.calls).hasValue(1);
    }

    private static Mono<Integer> slowEvent(WebClient client, String id) {
        return client.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test")
                .header("ce-type", "test.slow")
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }

    @Test
    void sameIdFromAnotherSourceIsAnotherEvent() {
        String id = UUID.randomUUID().toString();
        for (String source : new String[] {"/a", "/b"}) {
            http.post().uri("/")
                    .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", source)
                    .header("ce-type", "test.silent")
                    .exchange().expectStatus().isAccepted();
        }
        assertThat(EchoFunctionApp.calls).hasValue(2);
    }

    @Test
    void requestThatIsNotACloudEventGets400NamingWhatIsMissing() {
        http.post().uri("/")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"just\":\"json\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("ce-specversion"));
        assertThat(EchoFunctionApp.calls).hasValue(0);
    }

    @Test
    void eventWithoutIdGets400NamingTheAttribute() {
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-source", "/test").header("ce-type", "test.echo")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).containsIgnoringCase("id"));
    }

    @Test
    void permanentFailureGets4xxSoKnativeDeadLettersIt() {
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/test").header("ce-type", "test.poison")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.title").isEqualTo("Poison");
    }

    @Test
    void transientFailureGets503AndTheRetryRunsAgain() {
        String id = UUID.randomUUID().toString();
        for (int delivery = 0; delivery < 2; delivery++) {
            http.post().uri("/")
                    .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/test")
                    .header("ce-type", "test.flaky")
                    .exchange()
                    .expectStatus().isEqualTo(503);
        }
        // A failed run releases its claim, so the retry is handled, not answered from the record.
        assertThat(EchoFunctionApp.calls).hasValue(2);
    }

    @Test
    void unknownPathGetsProblemDetail() {
        http.get().uri("/nowhere").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    // Knative only posts to /: another method there is told which one the path takes (RFC 9110), and
    // reaches no function
    @Test
    void anotherMethodOnTheEventPathGets405NamingPost() {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
            http.method(method).uri("/").bodyValue("{}").exchange()
                    .expectStatus().isEqualTo(405)
                    .expectHeader().valueEquals(HttpHeaders.ALLOW, "POST")
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.status").isEqualTo(405);
        }
        assertThat(EchoFunctionApp.calls).hasValue(0);
    }
}
