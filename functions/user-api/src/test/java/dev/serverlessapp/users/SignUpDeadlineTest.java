package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.testing.HoldingProxy;
import dev.serverlessapp.testing.fuzz.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * REQUEST_DEADLINE bounds a sign-up's answer, whatever DynamoDB does: here a call may take 60 s, yet
 * the client hears 503 with Retry-After at the 2 s deadline. The sign-up is not left half done: it
 * goes on once DynamoDB answers, and the retry gets its user.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SignUpDeadlineTest {

    static final StalledDynamo BACKEND = new StalledDynamo();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
        registry.add("aws.api-call-timeout", () -> "PT60S");
        registry.add("app.request.deadline", () -> "PT2S");
        // Longer than the deadline: a slow body is the client's delay, answered by its own timeout.
        registry.add("app.request.body-timeout", () -> "PT4S");
    }

    @AfterAll
    static void stop() throws Exception {
        BACKEND.proxy.close();
    }

    @LocalServerPort
    int port;

    @Test
    void stalledSignUpIsAnswered503AtTheDeadlineAndTheRetryGetsTheUser() {
        String email = "deadline-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String body = "{\"name\":\"Grace\",\"email\":\"" + email + "\"}";
        String key = UUID.randomUUID().toString();
        HoldingProxy.Hold userWrite = BACKEND.proxy.hold("PutItem", "\"PROFILE\"", email);
        CarefulClient client = new CarefulClient(CarefulClient.of(port).http(), Duration.ofSeconds(60));

        long started = System.nanoTime();
        CarefulClient.Answer first = client.post(key, body);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.retryAfter()).isPositive();
        // Not a timing test: without the deadline the answer waits for the 60 s call timeout.
        assertThat(took).as("answered at the 2 s deadline").isLessThan(Duration.ofSeconds(20));

        userWrite.release();
        CarefulClient.Answer retry = client.signUp(key, body);

        assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
        assertThat(retry.body().get("user").get("email").asString()).isEqualTo(email);
        assertThat(BACKEND.usersWithEmail(email)).hasSize(1);
        assertThat(BACKEND.welcomesFor(email)).hasSize(1);
    }

    /**
     * The deadline bounds our work, which starts once the body is in: a body still short of its
     * Content-Length gets 408 at REQUEST_BODY_TIMEOUT, the client's delay, not a 503 that would blame
     * a backend.
     */
    @Test
    void bodyThatDoesNotArriveGets408NotTheDeadlines503() throws IOException {
        String cut = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Idempotency-Key: " + UUID.randomUUID() + "\r\nContent-Length: 100\r\n\r\n{\"name\":";

        RawHttp.Response answer = RawHttp.exchange(port, cut.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(60))
                .checkProblemOracle();

        assertThat(answer.status()).as(answer.toString()).isEqualTo(408);
    }
}
