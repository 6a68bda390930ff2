package dev.serverlessapp.email;

import static dev.serverlessapp.email.AppTableItems.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The mail server's own verdict on a recipient decides between dead-letter (5xx reply) and retry (4xx reply). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class RejectedAddressTest {

    static final LocalBackends BACKENDS = LocalBackends.shared();
    static final String TABLE = FreshTable.create(BACKENDS, "email-worker-rejected");
    static final RejectingSmtpServer SMTP = start();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.table.name", () -> TABLE);
        registry.add("mail.smtp.host", () -> "127.0.0.1");
        registry.add("mail.smtp.port", SMTP::port);
    }

    @AfterAll
    static void stop() throws IOException {
        SMTP.close();
    }

    @Autowired
    WebTestClient http;

    final AppTableItems table = new AppTableItems(BACKENDS.clients().dynamo(), TABLE);

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void permanentlyRejectedAddressIsDeadLettered(ContentMode mode) {
        String userId = UUID.randomUUID().toString();
        String to = "reject-" + userId + "@example.com";
        table.putUser(userId, "Ada", to);

        mode.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "Ada"))
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.title").isEqualTo("Mail rejected")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("550"));

        // The server was asked, and no mail went through.
        assertThat(SMTP.commands()).anyMatch(command -> command.equalsIgnoreCase("RCPT TO:<" + to + ">"));
        assertThat(SMTP.commands()).noneMatch(command -> command.equalsIgnoreCase("DATA"));
        // Refused for good, on the welcome's own item: no longer pending, so the hourly job does not queue it again.
        var welcome = table.welcome(userId);
        assertThat(welcome.get("status")).isEqualTo(s("COMPLETED"));
        assertThat(welcome.get("welcome")).isEqualTo(s("REJECTED"));
        assertThat(welcome.get("rejection").s()).contains("550");
        assertThat(welcome).containsKey("rejectedAt").doesNotContainKey(Table.ACTIVITY_PK);

        // Another welcome for the user is refused the same way, without asking the server again.
        long asked = SMTP.commands().stream().filter(command -> command.equalsIgnoreCase("RCPT TO:<" + to + ">")).count();
        mode.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "Ada"))
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.title").isEqualTo("Mail rejected");
        assertThat(SMTP.commands().stream().filter(command -> command.equalsIgnoreCase("RCPT TO:<" + to + ">")))
                .hasSize((int) asked);
    }

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void temporarilyRefusedAddressIsRetried(ContentMode mode) {
        String to = "busy-" + UUID.randomUUID() + "@example.com";

        mode.deliver(http, UUID.randomUUID().toString(), """
                {"type":"notification","to":"%s","subject":"s","body":"b"}""".formatted(to))
                .expectStatus().isEqualTo(503);

        assertThat(SMTP.commands()).anyMatch(command -> command.equalsIgnoreCase("RCPT TO:<" + to + ">"));
    }

    private static RejectingSmtpServer start() {
        try {
            return new RejectingSmtpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
