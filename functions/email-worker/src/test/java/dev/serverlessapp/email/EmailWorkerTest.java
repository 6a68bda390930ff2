package dev.serverlessapp.email;

import static dev.serverlessapp.email.AppTableItems.n;
import static dev.serverlessapp.email.AppTableItems.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.SmtpCatcher;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.testing.ConfigurationProxies;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The email worker over real HTTP, against dynalite and a GreenMail SMTP server on real sockets.
 * Every scenario checks its effect where it lands: the mail in the catcher, the items in the table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class EmailWorkerTest {

    @Autowired
    ApplicationContext applicationContext;

    @Test
    void startsWithoutSubclassingAConfigurationClass() {
        // Issue 15: each CGLIB subclass is paid for at every cold start.
        assertThat(ConfigurationProxies.in(applicationContext)).isEmpty();
    }

    static final LocalBackends BACKENDS = LocalBackends.shared();
    static final String TABLE = FreshTable.create(BACKENDS, "email-worker");
    static final SmtpCatcher SMTP = BACKENDS.smtp();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.table.name", () -> TABLE);
        registry.add("mail.transport", () -> "smtp");
        registry.add("mail.from", () -> "welcome@serverless-app.test");
        registry.add("mail.smtp.host", SMTP::host);
        registry.add("mail.smtp.port", SMTP::port);
    }

    @Autowired
    WebTestClient http;

    final AppTableItems table = new AppTableItems(BACKENDS.clients().dynamo(), TABLE);

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void welcomeIsSentWithTheNameEscapedAndSettledOnItsOwnItem(ContentMode mode) throws Exception {
        String userId = newId();
        String to = userId + "@example.com";
        var user = table.putUser(userId, "<script>alert(1)</script>", to);

        mode.deliver(http, newId(), welcome(userId, to, "<script>alert(1)</script>"))
                .expectStatus().isAccepted()
                .expectHeader().doesNotExist("ce-id");

        List<MimeMessage> mails = Inbox.mailsTo(SMTP, to);
        assertThat(mails).hasSize(1);
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).isEqualTo("Welcome to our platform!");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("welcome@serverless-app.test");
        assertThat(Inbox.part(mail, "text/plain")).isEqualTo("Hello <script>alert(1)</script>, welcome to our platform!");
        assertThat(Inbox.part(mail, "text/html"))
                .contains("Hello &lt;script&gt;alert(1)&lt;/script&gt;, welcome")
                .doesNotContain("<script>");

        // email-worker writes its welcome item only; user-api's profile stays as user-api wrote it.
        assertThat(table.user(userId)).isEqualTo(user);
        var welcome = table.welcome(userId);
        assertThat(welcome.get("status")).isEqualTo(s("COMPLETED"));
        assertThat(welcome.get("welcome")).isEqualTo(s("SENT"));
        assertThat(welcome).containsKey("sentAt");
        // Filed under the hour it was sent, for the hourly report.
        assertThat(welcome.get(Table.ACTIVITY_PK).s()).matches("WELCOME_SENT#\\d{4}-\\d{2}-\\d{2}T\\d{2}");
        assertThat(welcome.get(Table.ACTIVITY_SK)).isEqualTo(s("USER#" + userId));
        // Permanent: the welcome claim never expires, and once sent it has no lease left.
        assertThat(welcome).doesNotContainKeys("leaseUntil", Table.EXPIRES_AT);
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void notificationIsSent(ContentMode mode) throws Exception {
        String to = newId() + "@example.com";

        mode.deliver(http, newId(), """
                {"type":"notification","to":"%s","subject":"Your report","body":"Tom & Jerry's report is ready."}"""
                .formatted(to))
                .expectStatus().isAccepted();

        List<MimeMessage> mails = Inbox.mailsTo(SMTP, to);
        assertThat(mails).hasSize(1);
        assertThat(mails.getFirst().getSubject()).isEqualTo("Your report");
        assertThat(Inbox.part(mails.getFirst(), "text/plain")).isEqualTo("Tom & Jerry's report is ready.");
        assertThat(Inbox.part(mails.getFirst(), "text/html")).contains("Tom &amp; Jerry&#39;s report is ready.");
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void redeliveredEventSendsOneMail(ContentMode mode) {
        String to = newId() + "@example.com";
        String eventId = newId();
        String notification = """
                {"type":"notification","to":"%s","subject":"Once","body":"Only once."}""".formatted(to);

        for (int delivery = 0; delivery < 3; delivery++) {
            mode.deliver(http, eventId, notification).expectStatus().isAccepted();
        }

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
    }

    /** user-api and scheduled-tasks may both queue a welcome: two messages, two event ids, one mail. */
    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void secondWelcomeMessageForTheSameUserSendsNothing(ContentMode mode) {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);

        mode.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();
        mode.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.welcome(userId).get("status")).isEqualTo(s("COMPLETED"));
    }

    static Stream<Arguments> poisonMessages() {
        String to = newId() + "@example.com";
        Map<String, String> poison = Map.of(
                "not JSON", "Hello " + to,
                "no type", """
                        {"to":"%s","subject":"s","body":"b"}""".formatted(to),
                "unknown type", """
                        {"type":"sms","to":"%s","subject":"s","body":"b"}""".formatted(to),
                "welcome without to", """
                        {"type":"welcome","subject":"s","body":"b","userId":"%s"}""".formatted(to),
                "subject with a control character", """
                        {"type":"notification","to":"%s","subject":"a\\u0007b","body":"b"}""".formatted(to));
        return Stream.of(ContentMode.values()).flatMap(mode -> poison.entrySet().stream()
                .map(entry -> Arguments.of(mode, entry.getKey(), entry.getValue(), to)));
    }

    /** The seed logged and skipped these; a 4xx instead makes Knative dead-letter them for inspection. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("poisonMessages")
    void poisonMessageIsDeadLettered(ContentMode mode, String kind, String body, String to) {
        mode.deliver(http, newId(), body)
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.title").isEqualTo("Invalid email message")
                .jsonPath("$.status").isEqualTo(400);

        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
    }

    /**
     * Issue 11: a name holding a lone surrogate cannot be encoded into a mail, however often it is retried.
     * Binary mode only: in structured mode the SDK writes JSON data out again as UTF-8, which already
     * turns the lone surrogate into '?'.
     */
    @Test
    void welcomeWhoseTextCannotTravelIsDeadLetteredAndSendsNothing() {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);

        ContentMode.BINARY.deliver(http, newId(), """
                {"type":"welcome","to":"%s","subject":"Welcome","body":"Hello \\ud800x","userId":"%s"}"""
                .formatted(to, userId))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("\"body\" contains an unpaired UTF-16 surrogate");

        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
        assertThat(table.welcome(userId)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void eventOfAnotherTypeIsDeadLettered(ContentMode mode) {
        String to = newId() + "@example.com";

        mode.deliver(http, newId(), "dev.knative.sources.ping", """
                {"type":"notification","to":"%s","subject":"s","body":"b"}""".formatted(to))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.title").isEqualTo("Unexpected event type");

        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void mailServerDownGives503AndTheRetrySendsOneMail(ContentMode mode) {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        String eventId = newId();

        SMTP.stop();
        try {
            mode.deliver(http, eventId, welcome(userId, to, "Ada"))
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.title").isEqualTo("Temporarily unavailable");
            // The failed send released the welcome claim, so the retry is not mistaken for a duplicate.
            assertThat(table.welcome(userId)).isEmpty();
        } finally {
            SMTP.restart();
        }

        mode.deliver(http, eventId, welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("SENT"));
    }

    /**
     * A worker that claimed the welcome and was killed before sending renews its lease no more: the
     * claim lapses within seconds (not the minutes of old), and a redelivery that arrives meanwhile
     * waits for that and sends the welcome, instead of answering 409 until the broker gives up.
     */
    @Test
    void welcomeClaimedByAWorkerThatDiedIsSentWithinSecondsByTheNextDelivery() {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        table.putWelcome(userId, claim("killed-worker", Instant.now().plusSeconds(2)));

        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.welcome(userId).get("status")).isEqualTo(s("COMPLETED"));
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("SENT"));
    }

    /**
     * The welcome went out but its outcome was never recorded (the worker died, or DynamoDB stalled past
     * the call's timeout, after the mail server took it): the next delivery sends it again. It must be
     * the same message, one Message-ID, so the recipient's mail system keeps one copy.
     */
    @Test
    void welcomeSentAgainAfterItsOutcomeWasLostKeepsItsMessageId() throws Exception {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();
        table.putWelcome(userId, claim("worker-whose-outcome-was-lost", Instant.now().minusSeconds(1)));

        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        var mails = Inbox.mailsTo(SMTP, to);
        assertThat(mails).hasSize(2);
        assertThat(mails.get(0).getMessageID()).isNotNull().isEqualTo(mails.get(1).getMessageID())
                .doesNotContain(userId);
        String otherUser = newId();
        table.putUser(otherUser, "Ada", otherUser + "@example.com");
        ContentMode.BINARY.deliver(http, newId(), welcome(otherUser, otherUser + "@example.com", "Ada")).expectStatus().isAccepted();
        assertThat(Inbox.mailsTo(SMTP, otherUser + "@example.com").getFirst().getMessageID())
                .isNotEqualTo(mails.get(0).getMessageID());
    }

    /** Another message for a welcome being sent right now waits for that send, then sends nothing itself. */
    @Test
    void welcomeBeingSentByAnotherWorkerIsWaitedForAndNotSentTwice() {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        table.putWelcome(userId, claim("busy-worker", Instant.now().plusSeconds(5)));

        var delivery = CompletableFuture.supplyAsync(() -> ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada"))
                .returnResult(Void.class).getStatus().value());
        // The other worker's send goes out and it completes its claim.
        table.putWelcome(userId, Map.of("status", s("COMPLETED"), "token", s("busy-worker"), "welcome", s("SENT"),
                "sentAt", s(Instant.now().toString())));

        assertThat(delivery.join()).isEqualTo(202);
        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
        assertThat(table.welcome(userId).get("token")).isEqualTo(s("busy-worker"));
    }

    /** While another worker is alive and still sending after a whole lease, 409 with Retry-After; no mail. */
    @Test
    void welcomeStillBeingSentAfterALeaseGets409WithRetryAfterAndNoMail() {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        table.putWelcome(userId, claim("busy-worker", Instant.now().plusSeconds(60)));

        ContentMode.STRUCTURED.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isEqualTo(409)
                .expectHeader().exists("Retry-After");

        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
        assertThat(table.welcome(userId).get("token")).isEqualTo(s("busy-worker"));
    }

    /** Sent before, by a worker from before welcomes recorded their outcome: still sent, not sent again. */
    @Test
    void welcomeSentBeforeIsNotSentAgain() {
        String userId = newId();
        String to = userId + "@example.com";
        table.putUser(userId, "Ada", to);
        Map<String, AttributeValue> sent = Map.of("status", s("COMPLETED"), "token", s("earlier-worker"),
                "sentAt", s(Instant.now().toString()));
        table.putWelcome(userId, sent);

        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).isEmpty();
        assertThat(table.welcome(userId)).containsAllEntriesOf(sent).doesNotContainKey("welcome");
    }

    @Test
    void welcomeForAUserWithoutAnItemIsSentWithoutCreatingOne() {
        String userId = newId();
        String to = userId + "@example.com";

        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.user(userId)).isEmpty();
    }

    /**
     * user-api retires the user id of an interrupted sign-up with a marker in the user's place, filed to
     * expire; a welcome for that id must not take it for a user, mark it and so keep it for good.
     */
    @Test
    void welcomeForARetiredUserIdLeavesItsMarkerAsItWas() {
        String userId = newId();
        String to = userId + "@example.com";
        Map<String, AttributeValue> marker = table.putRetiredUserId(userId);

        ContentMode.BINARY.deliver(http, newId(), welcome(userId, to, "Ada")).expectStatus().isAccepted();

        assertThat(table.user(userId)).isEqualTo(marker);
    }

    /** A welcome claim in progress, as a worker holds it while it sends (function-support's claim item). */
    static Map<String, AttributeValue> claim(String token, Instant leaseUntil) {
        return Map.of("status", s("IN_PROGRESS"), "token", s(token), "claimedAt", s(Instant.now().toString()),
                "leaseUntil", n(leaseUntil.toEpochMilli()));
    }

    static String welcome(String userId, String to, String name) {
        return """
                {"type":"welcome","to":"%s","subject":"Welcome to our platform!",
                 "body":"Hello %s, welcome to our platform!","userId":"%s"}""".formatted(to, name, userId);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
