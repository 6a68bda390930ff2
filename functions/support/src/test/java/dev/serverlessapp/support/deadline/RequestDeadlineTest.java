package dev.serverlessapp.support.deadline;

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
 * REQUEST_DEADLINE bounds the answer, whatever the calls behind it do: here DynamoDB hangs and each
 * call may take 60 s (AWS_API_CALL_TIMEOUT), yet the event is answered 503 with Retry-After once the
 * 2 s deadline has passed, and Knative retries it.
 */
@SpringBootTest(classes = EchoFunctionApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT20S")
class RequestDeadlineTest {

    static final SilentServer DYNAMODB = SilentServer.start();

    @DynamicPropertySource
    static void hungDynamoDb(DynamicPropertyRegistry registry) {
        registry.add("aws.region", () -> "us-east-1");
        registry.add("aws.access-key-id", () -> "test");
        registry.add("aws.secret-access-key", () -> "test");
        registry.add("aws.endpoints.dynamodb", () -> DYNAMODB.endpoint().toString());
        registry.add("aws.api-call-timeout", () -> "PT60S");
        registry.add("app.request.deadline", () -> "PT2S");
    }

    @AfterAll
    static void stop() throws Exception {
        DYNAMODB.close();
    }

    @Autowired
    WebTestClient http;

    @Test
    void eventIsAnswered503WithRetryAfterOnceTheDeadlineHasPassed() {
        long started = System.nanoTime();
        http.post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/test").header("ce-type", "test.echo")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "2")
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("2 s"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Not a timing test: without the deadline the answer would wait for the 60 s call timeout.
        assertThat(took).as("answered at the 2 s deadline, long before the call timeout").isLessThan(Duration.ofSeconds(20));
    }
}
