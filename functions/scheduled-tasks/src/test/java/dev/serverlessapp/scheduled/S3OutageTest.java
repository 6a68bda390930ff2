package dev.serverlessapp.scheduled;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.S3ProxyServer;
import java.net.URI;
import java.time.Instant;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 is down when the ping comes: the job answers 503, marks no report as written, and writes them
 * all on the retry once S3 is back. The outage is real: S3Proxy is not running yet on the port the
 * function is pointed at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A run catching up several hours makes dozens of backend calls; on a busy machine that exceeds the 5 s default.
@AutoConfigureWebTestClient(timeout = "PT30S")
@Import(SettableClock.Config.class)
class S3OutageTest {

    static final String TABLE = "scheduled-s3-" + UUID.randomUUID();
    static final String BUCKET = "reports-" + UUID.randomUUID();
    static final int S3_PORT = Ports.free();
    static final URI S3_ENDPOINT = URI.create("http://127.0.0.1:" + S3_PORT);
    static S3ProxyServer s3Server;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Backends.Service.DYNAMODB, Backends.Service.SQS)
                .forEach((name, value) -> registry.add(name, () -> value));
        AwsTestClients clients = backends.clients();
        clients.createTable(AppTable.createTableRequest(TABLE));
        String queueUrl = clients.createQueue("email-" + UUID.randomUUID());
        registry.add("aws.endpoints.s3", S3_ENDPOINT::toString);
        registry.add("app.table.name", () -> TABLE);
        registry.add("reports.bucket", () -> BUCKET);
        registry.add("reports.catchup-hours", () -> 3);
        registry.add("welcomes.email-queue-url", () -> queueUrl);
    }

    @AfterAll
    static void stopS3() {
        if (s3Server != null) {
            s3Server.close();
        }
    }

    @Autowired
    WebTestClient http;
    @Autowired
    SettableClock clock;

    @Test
    void reportsWhileS3IsDownGet503AndAreWrittenOnTheRetry() {
        AppItems items = new AppItems(LocalBackends.shared().clients().dynamo(), TABLE);
        items.user("lea", "Lea", Instant.parse("2031-04-01T09:10:00Z"));
        items.welcomeSent("lea", Instant.parse("2031-04-01T09:10:01Z"));
        clock.set(Instant.parse("2031-04-01T10:00:30Z"));
        String id = Pings.newId();

        Pings.structured(http, id).expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo(503);

        // No marker and no cursor progress: the retry writes the reports.
        assertThat(items.get("REPORT#2031-04-01T09", "REPORT")).isEmpty();
        assertThat(items.get("JOB#hourly", "CURSOR")).doesNotContainKey("lastReportedHour");

        s3Server = S3ProxyServer.start(S3_PORT, null);
        S3Client s3 = OwnEndpoints.s3At(S3_ENDPOINT).clients().s3();
        s3.createBucket(create -> create.bucket(BUCKET));

        // Knative retries the same event.
        Pings.structured(http, id).expectStatus().isAccepted();

        assertThat(s3.listObjectsV2(list -> list.bucket(BUCKET)).contents()).extracting(S3Object::key)
                .containsExactly("reports/2031/04/01/07.json", "reports/2031/04/01/08.json", "reports/2031/04/01/09.json");
        assertThat(s3.getObjectAsBytes(get -> get.bucket(BUCKET).key("reports/2031/04/01/09.json")).asUtf8String())
                .contains("\"usersCreated\":1");
        assertThat(items.get("REPORT#2031-04-01T09", "REPORT").get("s3Key").s()).isEqualTo("reports/2031/04/01/09.json");
        assertThat(items.get("JOB#hourly", "CURSOR").get("lastReportedHour").s()).isEqualTo("2031-04-01T09");
    }
}
