package dev.serverlessapp.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.contract.Events;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testing.fuzz.EventFuzz;
import dev.serverlessapp.testing.fuzz.Hostile;
import dev.serverlessapp.testing.fuzz.ServerErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hostile events at file-processor over a real socket, with S3Proxy and dynalite behind it (issue 11).
 * The notifications name real uploads most of the time, so that the processing runs, and are broken
 * in every field: bucket names S3 refuses, keys too long or badly encoded, version ids and ETags that
 * name nothing, records of other events, wrong JSON types. A refused event writes no object and no item.
 */
@SpringBootTest(classes = FileProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FileProcessorFuzzTest {

    static final String TABLE = "files-fuzz-" + UUID.randomUUID();
    static final String BUCKET = "uploads-fuzz-" + UUID.randomUUID();
    static final LocalBackends BACKENDS = LocalBackends.shared();
    /** The uploads the notifications name, as S3 would: bucket, key, size and ETag. */
    static final List<S3Notifications.Created> UPLOADS = new ArrayList<>();

    static final List<String> BUCKETS = List.of("Not_A_Bucket", "ab", "a".repeat(64), "a..b", "10.0.0.1", "-x-",
            "no-such-bucket-of-the-fuzz", "", "bucket/with/slash");
    static final List<String> VERSION_IDS = List.of("null", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "", "v".repeat(1100),
            "%ZZ", "\u0000", "../..");
    static final List<String> EVENT_NAMES = List.of("ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
            "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete", "s3:TestEvent", "", "ObjectCreated");

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.DYNAMODB, Backends.Service.S3)
                .forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.table.name", () -> TABLE);
        EventFuzz.SHORT_TIMEOUTS.forEach((name, value) -> registry.add(name, () -> value));
        registry.add("app.files.bucket", () -> BUCKET);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    /** Whatever the case sent, the function itself counted no 5xx either (guards user-api, seed 20261205). */
    @AfterEach
    void noServerErrorCounted() {
        assertThat(ServerErrors.counted(managementPort)).as("requests the function counted as 5xx").isZero();
    }

    final DynamoDbClient dynamo = BACKENDS.clients().dynamo();
    final S3Client s3 = BACKENDS.clients().s3();

    /** Before the application starts: the table and bucket it works on, and the uploads in it. */
    @BeforeAll
    static void uploads() throws IOException {
        BACKENDS.clients().createTable(AppTable.createTableRequest(TABLE));
        BACKENDS.clients().createBucket(BUCKET);
        S3Client s3 = BACKENDS.clients().s3();
        Map<String, byte[]> files = Map.of(
                "notes.txt", "Dear diary".getBytes(StandardCharsets.UTF_8),
                "empty.log", new byte[0],
                "photo.png", FileProcessorTest.image(40, 30, "png"),
                "not-a-photo.jpg", "<html>".getBytes(StandardCharsets.UTF_8),
                "my documents/résumé + notes (1).txt", "Ünïcödé".getBytes(StandardCharsets.UTF_8));
        for (var file : new java.util.TreeMap<>(files).entrySet()) {
            String key = "fuzz/" + file.getKey();
            String eTag = s3.putObject(put -> put.bucket(BUCKET).key(key), RequestBody.fromBytes(file.getValue()))
                    .eTag().replace("\"", "");
            UPLOADS.add(new S3Notifications.Created(BUCKET, key, file.getValue().length, eTag));
        }
    }

    static final EventFuzz.Template NOTIFICATIONS = new EventFuzz.Template(Events.SQS, S3Notifications.SQS_SOURCE,
            Map.of("subject", "aws-sqs-source"), FileProcessorFuzzTest::notification);

    // guards the finding in user-api's CI: a kept-alive connection stalled after a request answered at once
    // (reactor-netty#4361, fixed in 1.3.8); an event function runs the same server
    @Test
    void requestsOnKeptAliveConnectionsAreEachAnsweredInOrder() {
        // Both kinds ran: answers after the backends, and answers given at once.
        assertThat(EventFuzz.runKeptAlive("file-processor", port, NOTIFICATIONS)).containsKeys(200, 404, 405);
    }

    @Test
    void hostileEventsGetNoServerErrorAndRefusedOnesWriteNothing() {
        EventFuzz.Tally tally = EventFuzz.run("file-processor events", 300, 1700, port, NOTIFICATIONS,
                () -> List.of(EventFuzz.items(dynamo, TABLE), EventFuzz.objects(s3, BUCKET)));

        assertThat(tally.serverErrors()).isZero();
        assertThat(tally.statuses()).as("some events get through").containsKey(200);
    }

    /** An S3 notification as the uploads queue carries it, naming one to three uploads, sometimes broken. */
    static String notification(Random random) {
        if (random.nextInt(30) == 0) {
            return S3Notifications.testEvent(BUCKET);
        }
        List<String> records = new ArrayList<>();
        for (int i = random.nextInt(10) == 0 ? 3 : 1; i > 0; i--) {
            records.add(record(random, Hostile.oneOf(random, UPLOADS)));
        }
        return "{\"Records\":" + (random.nextInt(40) == 0 ? Hostile.json(random, 1) : "[" + String.join(",", records) + "]") + "}";
    }

    private static String record(Random random, S3Notifications.Created upload) {
        String bucket = random.nextInt(10) == 0 ? Hostile.oneOf(random, BUCKETS) : upload.bucket();
        String key = S3Notifications.encode(upload.key());
        switch (random.nextInt(12)) {
            case 0 -> key = S3Notifications.encode(Hostile.almostValid(random, upload.key()));
            case 1 -> key = Hostile.almostValid(random, key);
            case 2 -> key = "k".repeat(Hostile.around(random, 1024));
            default -> {
                // the upload's own key
            }
        }
        String eTag = random.nextInt(12) == 0 ? Hostile.almostValid(random, upload.eTag()) : upload.eTag();
        String versionId = random.nextInt(8) == 0 ? Hostile.oneOf(random, VERSION_IDS) : null;
        String eventName = random.nextInt(10) == 0 ? Hostile.oneOf(random, EVENT_NAMES) : "ObjectCreated:Put";
        String size = random.nextInt(20) == 0 ? Hostile.json(random, 0) : Long.toString(upload.size());
        return """
                {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-12-02T10:00:00.000Z",
                 "eventName":%s,"s3":{"s3SchemaVersion":"1.0","bucket":{"name":%s},
                 "object":{"key":%s,"size":%s,"eTag":%s%s}}}"""
                .formatted(Hostile.quote(eventName), Hostile.quote(bucket), Hostile.quote(key), size, Hostile.quote(eTag),
                        versionId == null ? "" : ",\"versionId\":" + Hostile.quote(versionId));
    }
}
