package dev.serverlessapp.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.system.OtlpCollector.ReceivedSpan;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.ChildProcess;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;

/**
 * One sign-up followed across the system as one trace: user-api's request span, the welcome message's
 * {@code traceparent} attribute on SQS, the CloudEvent the SQS source makes of it, and email-worker's
 * span for sending the mail. Both functions run from their executable jars and export their spans
 * over OTLP to a collector in the test.
 */
class SignUpTraceTest {

    static final String TABLE = "system-" + UUID.randomUUID();
    static OtlpCollector collector;
    static String queueUrl;
    static ChildProcess userApi;
    static ChildProcess emailWorker;

    @BeforeAll
    static void start() {
        LocalBackends backends = LocalBackends.shared();
        backends.clients().createTable(AppTable.createTableRequest(TABLE));
        queueUrl = backends.clients().createQueue("system-" + UUID.randomUUID());
        collector = new OtlpCollector();
        List<String> common = new ArrayList<>();
        backends.springProperties(Backends.Service.DYNAMODB, Backends.Service.SQS)
                .forEach((name, value) -> common.add("--" + name + "=" + value));
        common.addAll(List.of("--app.table.name=" + TABLE, "--management.server.port=0",
                "--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.tracesEndpoint(),
                "--management.opentelemetry.tracing.export.schedule-delay=100ms"));
        userApi = function("user-api", common, "--users.email-queue-url=" + queueUrl,
                // Sign-up is public; the decoder fetches keys only when a token comes.
                "--users.auth.jwk-set-uri=http://127.0.0.1:" + Ports.free() + "/jwks");
        emailWorker = function("email-worker", common, "--mail.smtp.host=127.0.0.1",
                "--mail.smtp.port=" + backends.smtp().port());
    }

    @AfterAll
    static void stop() {
        Optional.ofNullable(userApi).ifPresent(ChildProcess::close);
        Optional.ofNullable(emailWorker).ifPresent(ChildProcess::close);
        Optional.ofNullable(collector).ifPresent(OtlpCollector::close);
    }

    @Test
    void oneSignUpIsOneTraceFromTheRequestToTheMail() {
        String email = "traced-" + UUID.randomUUID() + "@example.com";
        JsonNode created = client(userApi).post().uri("/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"Trace\",\"email\":\"" + email + "\"}").exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        String userId = created.get("user").get("id").asString();

        Message welcome = welcomeFor(email);
        String traceparent = welcome.messageAttributes().get("traceparent").stringValue();
        String traceId = traceparent.split("-")[1];
        String signUpSpanId = traceparent.split("-")[2];

        // What Knative's SQS source delivers: the body as data, the trace context as the traceparent extension.
        client(emailWorker).post().uri("/")
                .header("ce-specversion", "1.0").header("ce-id", welcome.messageId())
                .header("ce-source", "dev.knative.eventing.aws-sqs-source")
                .header("ce-type", "dev.knative.eventing.aws-sqs").header("ce-subject", "aws-sqs-source")
                .header("ce-traceparent", traceparent)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(welcome.body())
                .exchange()
                .expectStatus().is2xxSuccessful();

        assertThat(mailTo(email)).as("the welcome mail").isPresent();
        List<ReceivedSpan> trace = await().atMost(Duration.ofSeconds(15)).until(
                () -> collector.spans().stream().filter(span -> span.traceId().equals(traceId)).toList(),
                spans -> spans.stream().anyMatch(span -> span.service().equals("user-api"))
                        && spans.stream().anyMatch(span -> span.service().equals("email-worker")));
        ReceivedSpan signUp = trace.stream().filter(span -> span.spanId().equals(signUpSpanId)).findFirst().orElseThrow();
        ReceivedSpan mail = trace.stream().filter(span -> span.service().equals("email-worker")).findFirst().orElseThrow();
        assertThat(signUp.service()).isEqualTo("user-api");
        assertThat(mail.name()).isEqualTo("handle dev.knative.eventing.aws-sqs");
        assertThat(mail.parentSpanId()).isEqualTo(signUpSpanId);
        assertThat(userId).isNotBlank();
    }

    static ChildProcess function(String name, List<String> common, String... own) {
        Path jar = Path.of(System.getProperty(name + ".jar"));
        assertThat(jar).as("the executable jar, built by the reactor before this module").exists();
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--server.port=" + port));
        command.addAll(common);
        command.addAll(List.of(own));
        return ChildProcess.start(name, command, port, Duration.ofSeconds(120));
    }

    static WebTestClient client(ChildProcess function) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + function.port())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    static Message welcomeFor(String email) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> LocalBackends.shared().clients().sqs()
                .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageAttributeNames("All"))
                .messages().stream().filter(m -> m.body().contains(email)).findFirst().orElse(null), m -> m != null);
    }

    static Optional<MimeMessage> mailTo(String email) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> LocalBackends.shared().smtp().received().stream()
                .filter(mail -> {
                    try {
                        return mail.getAllRecipients()[0].toString().equals(email);
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                }).findFirst(), Optional::isPresent);
    }
}
