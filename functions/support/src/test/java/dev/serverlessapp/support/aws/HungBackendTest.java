package dev.serverlessapp.support.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.cloudevents.EchoFunctionApp;
import dev.serverlessapp.testing.SilentServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A DynamoDB that accepts the connection and never answers: the whole call, retries included, is cut
 * at AWS_API_CALL_TIMEOUT and the event is answered 503, which Knative retries, instead of hanging
 * until the caller gives up.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT20S")
class HungBackendTest {

    static final SilentServer DYNAMODB = SilentServer.start();

    @DynamicPropertySource
    static void hungDynamoDb(DynamicPropertyRegistry registry) {
        registry.add("aws.region", () -> "us-east-1");
        registry.add("aws.access-key-id", () -> "test");
        registry.add("aws.secret-access-key", () -> "test");
        registry.add("aws.endpoints.dynamodb", () -> DYNAMODB.endpoint().toString());
        registry.add("aws.api-call-timeout", () -> "PT2S");
    }

    @AfterAll
    static void stop() throws Exception {
        DYNAMODB.close();
    }

    @Autowired
    WebTestClient http;

    @Test
    void hungBackendGets503WithinTheCallTimeout() {
        long started = System.nanoTime();
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/test").header("ce-type", "test.echo")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                // Every 503 says when to come back.
                .expectHeader().valueEquals("Retry-After", "2");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Not a timing test: without the limit the SDK waits far longer (its 30 s read timeout, then retries).
        assertThat(took).as("answered once the 2 s call limit passed").isLessThan(Duration.ofSeconds(15));
        assertThat(DYNAMODB.connections()).as("the call reached the hung backend").isPositive();
    }
}
