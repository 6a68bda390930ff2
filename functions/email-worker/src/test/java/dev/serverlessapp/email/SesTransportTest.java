package dev.serverlessapp.email;

import static dev.serverlessapp.email.AppTableItems.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code MAIL_TRANSPORT=ses}: the real async SDK client, over HTTP, to {@link FakeSes}. Covered: the
 * signed SendEmail request the transport builds, and how SES's success, rejection and outage answers
 * become 2xx, 4xx and 5xx. Not covered: anything SES itself does (identity verification, delivery).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class SesTransportTest {

    static final LocalBackends BACKENDS = LocalBackends.shared();
    static final String TABLE = FreshTable.create(BACKENDS, "email-worker-ses");
    static final FakeSes SES = new FakeSes();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.table.name", () -> TABLE);
        registry.add("mail.transport", () -> "ses");
        registry.add("mail.from", () -> "welcome@serverless-app.test");
        registry.add("aws.endpoints.sesv2", () -> SES.endpoint().toString());
        // Nothing may reach a real SMTP server in this class.
        registry.add("mail.smtp.port", () -> "1");
    }

    @AfterAll
    static void stop() {
        SES.close();
    }

    @Autowired
    WebTestClient http;

    final AppTableItems table = new AppTableItems(BACKENDS.clients().dynamo(), TABLE);

    @BeforeEach
    void sesAccepts() {
        SES.answer(FakeSes.Answer.SENT);
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void welcomeGoesOutAsOneSignedSendEmailCall(ContentMode mode) {
        String userId = UUID.randomUUID().toString();
        String to = userId + "@example.com";
        table.putUser(userId, "<b>Ada</b>", to);

        mode.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "<b>Ada</b>"))
                .expectStatus().isAccepted();

        List<FakeSes.Call> calls = SES.callsTo(to);
        assertThat(calls).hasSize(1);
        FakeSes.Call call = calls.getFirst();
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/v2/email/outbound-emails");
        assertThat(call.authorization()).startsWith("AWS4-HMAC-SHA256").contains("/us-east-1/ses/aws4_request");
        JsonNode email = call.body();
        assertThat(email.path("FromEmailAddress").asString()).isEqualTo("welcome@serverless-app.test");
        JsonNode simple = email.path("Content").path("Simple");
        assertThat(simple.path("Subject").path("Data").asString()).isEqualTo("Welcome to our platform!");
        assertThat(simple.path("Body").path("Text").path("Data").asString())
                .isEqualTo("Hello <b>Ada</b>, welcome to our platform!");
        assertThat(simple.path("Body").path("Html").path("Data").asString())
                .contains("Hello &lt;b&gt;Ada&lt;/b&gt;, welcome")
                .doesNotContain("<b>");
        assertThat(simple.path("Body").path("Html").path("Charset").asString()).isEqualTo("UTF-8");

        assertThat(table.welcome(userId).get("status")).isEqualTo(s("COMPLETED"));
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("SENT"));
    }

    @Test
    void mailRejectedBySesIsDeadLettered() {
        String userId = UUID.randomUUID().toString();
        String to = userId + "@example.com";
        SES.answer(FakeSes.Answer.MESSAGE_REJECTED);

        ContentMode.BINARY.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "Ada"))
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.title").isEqualTo("SES rejected the mail");

        assertThat(SES.callsTo(to)).hasSize(1);
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("REJECTED"));
    }

    @Test
    void sesOutageGives503AndTheRetrySendsOnce() {
        String to = UUID.randomUUID() + "@example.com";
        String eventId = UUID.randomUUID().toString();
        String notification = """
                {"type":"notification","to":"%s","subject":"s","body":"b"}""".formatted(to);
        SES.answer(FakeSes.Answer.UNAVAILABLE);

        ContentMode.STRUCTURED.deliver(http, eventId, notification).expectStatus().isEqualTo(503);

        SES.answer(FakeSes.Answer.SENT);
        ContentMode.STRUCTURED.deliver(http, eventId, notification).expectStatus().isAccepted();

        assertThat(SES.callsTo(to)).filteredOn(call -> call.status() == 200).hasSize(1);
    }
}
