package dev.serverlessapp.email;

import static dev.serverlessapp.email.AppTableItems.s;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.ContainerBackends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.SmtpCatcher;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The welcome scenario on DynamoDB Local in a container instead of dynalite, so the conditional
 * writes are checked against AWS's own emulator too. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class EmailWorkerOnContainersTest {

    static final SmtpCatcher SMTP = LocalBackends.shared().smtp();
    static AppTableItems table;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        // Resolved here, not in a static initialiser, so that nothing starts when Docker is absent.
        ContainerBackends backends = ContainerBackends.shared();
        backends.springProperties(Backends.Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        String name = FreshTable.create(backends, "email-worker-containers");
        table = new AppTableItems(backends.clients().dynamo(), name);
        registry.add("app.table.name", () -> name);
        registry.add("mail.smtp.host", SMTP::host);
        registry.add("mail.smtp.port", SMTP::port);
    }

    @Autowired
    WebTestClient http;

    @ParameterizedTest
    @EnumSource(ContentMode.class)
    void welcomeIsSentOnceAndThePendingMarkCleared(ContentMode mode) {
        String userId = UUID.randomUUID().toString();
        String to = userId + "@example.com";
        var user = table.putUser(userId, "Ada", to);

        mode.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "Ada"))
                .expectStatus().isAccepted();
        mode.deliver(http, UUID.randomUUID().toString(), EmailWorkerTest.welcome(userId, to, "Ada"))
                .expectStatus().isAccepted();

        assertThat(Inbox.mailsTo(SMTP, to)).hasSize(1);
        assertThat(table.welcome(userId).get("welcome")).isEqualTo(s("SENT"));
        assertThat(table.user(userId)).as("user-api's item, untouched").isEqualTo(user);
    }
}
