package dev.serverlessapp.scheduled;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The email queue is down when the ping comes: the job answers 503 so that Knative retries, loses
 * no welcome, and queues it on the retry once the queue is back. The outage is a real one: the SQS
 * server is not running yet on the port the function is pointed at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A run catching up several hours makes dozens of backend calls; on a busy machine that exceeds the 5 s default.
@AutoConfigureWebTestClient(timeout = "PT30S")
@Import(SettableClock.Config.class)
class SqsOutageTest {

    static final String TABLE = "scheduled-sqs-" + UUID.randomUUID();
    static final String BUCKET = "reports-" + UUID.randomUUID();
    static final String QUEUE = "email-" + UUID.randomUUID();
    static final int SQS_PORT = Ports.free();
    static final URI SQS_ENDPOINT = URI.create("http://127.0.0.1:" + SQS_PORT);
    static final String QUEUE_URL = SQS_ENDPOINT + "/000000000000/" + QUEUE;
    static ElasticMq sqsServer;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Backends.Service.DYNAMODB, Backends.Service.S3)
                .forEach((name, value) -> registry.add(name, () -> value));
        AwsTestClients clients = backends.clients();
        clients.createTable(AppTable.createTableRequest(TABLE));
        clients.createBucket(BUCKET);
        registry.add("aws.endpoints.sqs", SQS_ENDPOINT::toString);
        registry.add("app.table.name", () -> TABLE);
        registry.add("reports.bucket", () -> BUCKET);
        registry.add("reports.catchup-hours", () -> 2);
        registry.add("welcomes.email-queue-url", () -> QUEUE_URL);
    }

    @AfterAll
    static void stopSqs() {
        if (sqsServer != null) {
            sqsServer.close();
        }
    }

    @Autowired
    WebTestClient http;
    @Autowired
    SettableClock clock;

    @Test
    void welcomeWhileTheQueueIsDownGets503AndIsQueuedOnTheRetry() {
        AppItems items = new AppItems(LocalBackends.shared().clients().dynamo(), TABLE);
        items.user("kim", "Kim", Instant.parse("2031-03-01T09:30:00Z"));
        clock.set(Instant.parse("2031-03-01T10:00:30Z"));
        String id = Pings.newId();

        Pings.binary(http, id).expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo(503);

        // Nothing lost: not counted as queued, and the cursor stays where the retry looks again.
        assertThat(items.requeue("kim")).isEmpty();
        assertThat(items.get("JOB#hourly", "CURSOR")).doesNotContainKey("lastWelcomeHour");
        // The other tasks did not wait for the queue.
        assertThat(items.get("REPORT#2031-03-01T09", "REPORT")).isNotEmpty();

        sqsServer = ElasticMq.start(SQS_PORT);
        SqsClient sqs = OwnEndpoints.sqsAt(SQS_ENDPOINT).clients().sqs();
        assertThat(sqs.createQueue(create -> create.queueName(QUEUE)).queueUrl()).isEqualTo(QUEUE_URL);

        // Knative retries the same event.
        Pings.binary(http, id).expectStatus().isAccepted();

        List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(QUEUE_URL)
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().body()).contains("\"type\":\"welcome\"", "\"userId\":\"kim\"", "\"to\":\"kim@example.com\"");
        assertThat(items.requeue("kim").get(Table.DUE_PK).s()).isEqualTo("WELCOME_DUE#2031-03-01T11");
    }
}
