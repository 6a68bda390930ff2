package dev.serverlessapp.email;

import static dev.serverlessapp.email.AppTableItems.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.ChildProcess;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.testing.SilentServer;
import dev.serverlessapp.backends.SmtpCatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 12's lost welcomes: email-worker is killed (SIGKILL) in the middle of sending a welcome, with
 * the event's and the welcome's claims held. The broker retries the event as the chart's delivery says
 * (5 retries, exponential from 0.5 s: 15.5 s in all) to a worker that is back; one of those retries must
 * deliver it, with exactly one mail, instead of every retry answering 409 until the event is
 * dead-lettered and the welcome waits for the hourly job.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class WorkerKilledMidSendTest {

    static final LocalBackends BACKENDS = LocalBackends.shared();
    static final String TABLE = FreshTable.create(BACKENDS, "email-killed");
    static final SmtpCatcher SMTP = BACKENDS.smtp();
    /** The mail server the doomed worker talks to: it never answers, so the send is under way when the kill comes. */
    static final SilentServer HUNG_SMTP = SilentServer.start();

    /** The chart's broker: 5 retries, exponential from PT0.5S, as Knative waits before each. */
    static final List<Duration> BROKER_RETRIES = List.of(Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.table.name", () -> TABLE);
        registry.add("mail.transport", () -> "smtp");
        registry.add("mail.smtp.host", SMTP::host);
        registry.add("mail.smtp.port", SMTP::port);
    }

    @AfterAll
    static void stop() throws Exception {
        HUNG_SMTP.close();
    }

    @Autowired
    WebTestClient http;

    final AppTableItems table = new AppTableItems(BACKENDS.clients().dynamo(), TABLE);

    @Test
    void welcomeOfAWorkerKilledMidSendIsDeliveredByTheBrokersRetries() {
        String userId = UUID.randomUUID().toString();
        String to = userId + "@example.com";
        String eventId = UUID.randomUUID().toString();
        table.putUser(userId, "Ada", to);

        try (ChildProcess doomed = startEmailWorker()) {
            WebTestClient toDoomed = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + doomed.port())
                    .responseTimeout(Duration.ofSeconds(120)).build();
            Thread.ofVirtual().start(() -> {
                try {
                    ContentMode.BINARY.deliver(toDoomed, eventId, EmailWorkerTest.welcome(userId, to, "Ada"));
                } catch (RuntimeException | AssertionError cutOff) {
                    // The connection dies with the process: the broker's first attempt fails.
                }
            });
            // It holds the welcome's claim and is talking to the mail server.
            await().atMost(Duration.ofSeconds(60)).until(() -> HUNG_SMTP.connections() > 0
                    && !table.welcome(userId).isEmpty());
            doomed.kill();
        }

        List<Integer> answers = new ArrayList<>();
        for (Duration wait : BROKER_RETRIES) {
            pause(wait);
            int status = ContentMode.BINARY.deliver(http, eventId, EmailWorkerTest.welcome(userId, to, "Ada"))
                    .returnResult(Void.class).getStatus().value();
            answers.add(status);
            if (status < 300) {
                break;
            }
        }

        assertThat(answers).as("the broker's retries, then the dead-letter sink").last()
                .matches(status -> status < 300, "a 2xx");
        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.welcome(userId).get("status")).isEqualTo(s("COMPLETED"));
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("SENT"));
    }

    /** email-worker as its own process, from this test's class path, its mail server hung. */
    static ChildProcess startEmailWorker() {
        return ChildProcess.springApp("email-worker", EmailWorkerApplication.class, Ports.free(), List.of(
                "--aws.endpoints.dynamodb=" + BACKENDS.dynamoDbEndpoint(),
                "--app.table.name=" + TABLE,
                "--mail.smtp.host=127.0.0.1",
                "--mail.smtp.port=" + HUNG_SMTP.endpoint().getPort(),
                "--mail.smtp.timeout=PT120S"));
    }

    /** The broker's backoff before a retry: a wait the test models, not a guess at when something is ready. */
    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
