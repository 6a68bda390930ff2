package dev.serverlessapp.files;

import static dev.serverlessapp.files.S3Notifications.notification;
import static dev.serverlessapp.files.S3Notifications.postBinary;
import static dev.serverlessapp.files.S3Notifications.postStructured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testing.ConfigurationProxies;
import dev.serverlessapp.testing.HoldingProxy;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The function over HTTP, with real CloudEvents in both content modes, against S3Proxy and dynalite.
 * Every scenario checks its effect where it lands: the object in the bucket and the item in the table.
 */
@SpringBootTest(classes = FileProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class FileProcessorTest {

    @Autowired
    ApplicationContext applicationContext;

    @Test
    void startsWithoutSubclassingAConfigurationClass() {
        // Issue 15: each CGLIB subclass is paid for at every cold start.
        assertThat(ConfigurationProxies.in(applicationContext)).isEmpty();
    }

    static final String TABLE = "files-" + UUID.randomUUID();
    static final String BUCKET = "uploads-" + UUID.randomUUID();
    static final LocalBackends BACKENDS = LocalBackends.shared();
    static final HoldingProxy DYNAMODB = HoldingProxy.to(BACKENDS.dynamoDbEndpoint());

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Backends.Service.S3).forEach((name, value) -> registry.add(name, () -> value));
        // DynamoDB through a proxy that passes everything, so a test can tell when a delivery has read a claim.
        registry.add("aws.endpoints.dynamodb", () -> DYNAMODB.endpoint().toString());
        BACKENDS.clients().createTable(AppTable.createTableRequest(TABLE));
        BACKENDS.clients().createBucket(BUCKET);
        registry.add("app.table.name", () -> TABLE);
        registry.add("app.files.bucket", () -> BUCKET);
        // Small enough that a test can upload an image above it.
        registry.add("app.files.image-max-bytes", () -> "1MB");
    }

    @Autowired
    WebTestClient http;

    final S3Client s3 = BACKENDS.clients().s3();
    final DynamoDbClient dynamo = BACKENDS.clients().dynamo();
    /** Each test works under its own prefix, so tests sharing the bucket never see each other's objects. */
    String dir;

    @BeforeEach
    void setUp() {
        http = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
        dir = "t-" + UUID.randomUUID() + "/";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"png, image/png", "jpeg, image/jpeg", "gif, image/gif", "bmp, image/bmp"})
    void imageBecomesThumbnailNoLargerThan256Pixels(String format, String contentType) throws IOException {
        String key = dir + "photo." + format;
        S3Notifications.Created upload = upload(key, image(600, 400, format), contentType);

        postBinary(http, id(), notification(upload))
                .expectStatus().isOk()
                .expectHeader().valueEquals("ce-type", "dev.serverlessapp.file.processed")
                .expectHeader().valueEquals("ce-source", "/serverless-app/file-processor")
                .expectBody()
                .jsonPath("$.bucket").isEqualTo(BUCKET)
                .jsonPath("$.key").isEqualTo(key)
                .jsonPath("$.outputs[0].key").isEqualTo("processed/" + key)
                .jsonPath("$.outputs[0].kind").isEqualTo("thumbnail");

        ResponseBytes<GetObjectResponse> output = s3.getObjectAsBytes(get -> get.bucket(BUCKET).key("processed/" + key));
        BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(output.asByteArray()));
        assertThat(thumbnail.getWidth()).isEqualTo(256);
        assertThat(thumbnail.getHeight()).isEqualTo(171);
        assertThat(output.response().contentType()).isEqualTo(contentType);
        assertThat(output.response().contentLength()).isEqualTo(output.asByteArray().length);
        assertThat(output.response().metadata()).containsEntry("sha256", sha256(output.asByteArray()));
    }

    @Test
    void imageAboveTheSizeCapIsCopiedNotDecoded() throws IOException {
        // Noise does not compress: this PNG is about 3 MB, above the 1 MB cap set for this test.
        byte[] png = noise(1000, 1000);
        assertThat(png.length).isGreaterThan(1 << 20);
        String key = dir + "huge.png";
        S3Notifications.Created upload = upload(key, png, "image/png");

        postBinary(http, id(), notification(upload)).expectStatus().isOk()
                .expectBody().jsonPath("$.outputs[0].kind").isEqualTo("copy");

        ResponseBytes<GetObjectResponse> output = s3.getObjectAsBytes(get -> get.bucket(BUCKET).key("processed/" + key));
        assertThat(output.asByteArray()).isEqualTo(png);
        assertThat(output.response().metadata()).containsEntry("sha256", sha256(png));
    }

    @Test
    void fileNamedLikeAnImageThatIsNotOneIsCopied() {
        byte[] notAnImage = "<html>surprise</html>".getBytes(StandardCharsets.UTF_8);
        String key = dir + "cat.jpg";
        S3Notifications.Created upload = upload(key, notAnImage, "image/jpeg");

        postStructured(http, id(), notification(upload)).expectStatus().isOk()
                .expectBody().jsonPath("$.outputs[0].kind").isEqualTo("copy");

        assertThat(read("processed/" + key)).isEqualTo(notAnImage);
    }

    @Test
    void textFileIsCopiedByteForByteWithContentTypeSizeAndSha256() {
        byte[] text = "Dear diary,\ntoday the processor stopped processing its own output.\n".getBytes(StandardCharsets.UTF_8);
        String key = dir + "diary.txt";
        S3Notifications.Created upload = upload(key, text, "text/plain; charset=utf-8");

        postStructured(http, id(), notification(upload))
                .expectStatus().isOk()
                .expectHeader().valueEquals("ce-type", "dev.serverlessapp.file.processed")
                .expectBody()
                .jsonPath("$.size").isEqualTo(text.length)
                .jsonPath("$.outputs[0].kind").isEqualTo("copy")
                .jsonPath("$.outputs[0].sha256").isEqualTo(sha256(text));

        ResponseBytes<GetObjectResponse> output = s3.getObjectAsBytes(get -> get.bucket(BUCKET).key("processed/" + key));
        assertThat(output.asByteArray()).isEqualTo(text);
        String inputType = s3.headObject(head -> head.bucket(BUCKET).key(key)).contentType();
        assertThat(output.response().contentType()).isEqualTo(inputType).startsWith("text/plain");
        assertThat(output.response().contentLength()).isEqualTo(text.length);
        assertThat(output.response().metadata()).containsEntry("sha256", sha256(text));
    }

    @Test
    void emptyFileIsCopiedToo() {
        String key = dir + "empty.log";
        S3Notifications.Created upload = upload(key, new byte[0], "text/plain");

        postBinary(http, id(), notification(upload)).expectStatus().isOk()
                .expectBody().jsonPath("$.outputs[0].sha256").isEqualTo(sha256(new byte[0]));

        assertThat(read("processed/" + key)).isEmpty();
    }

    @Test
    void processedFileIsRecordedUnderItsHourForTheHourlyReport() {
        String key = dir + "report-me.csv";
        S3Notifications.Created upload = upload(key, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        String hourBefore = Table.hour(Instant.now());

        postBinary(http, id(), notification(upload)).expectStatus().isOk();

        Map<String, AttributeValue> item = item(key, upload.eTag());
        assertThat(item.get("outputKey").s()).isEqualTo("processed/" + key);
        assertThat(item.get("sha256").s()).isEqualTo(sha256("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(item.get("contentType").s()).isEqualTo("text/csv");
        assertThat(item.get("size").n()).isEqualTo("8");
        assertThat(item.get("gsi1pk").s()).isIn("FILE_PROCESSED#" + hourBefore, "FILE_PROCESSED#" + Table.hour(Instant.now()));
        String hour = item.get("gsi1pk").s();
        var inHour = dynamo.query(query -> query.tableName(TABLE).indexName(Table.ACTIVITY_INDEX)
                .keyConditionExpression("gsi1pk = :hour")
                .expressionAttributeValues(Map.of(":hour", AttributeValue.fromS(hour))));
        assertThat(inHour.items()).extracting(found -> found.get("sk").s() + " " + found.get("gsi1sk").s())
                .contains("VERSION#" + upload.eTag() + " FILE#"
                        + IdempotencyStore.sha256("FILE#" + BUCKET + "/" + key + "#" + upload.eTag()));
    }

    @Test
    void urlEncodedKeyWithSpacesAndUnicodeIsDecoded() {
        String key = dir + "my documents/résumé 2026 + notes (1).txt";
        S3Notifications.Created upload = upload(key, "Ünïcödé".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(notification(upload)).contains("my+documents/r%C3%A9sum%C3%A9+2026+%2B+notes");

        postBinary(http, id(), notification(upload)).expectStatus().isOk()
                .expectBody().jsonPath("$.key").isEqualTo(key);

        assertThat(read("processed/" + key)).isEqualTo("Ünïcödé".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyRecordOfOneEventIsProcessed() {
        S3Notifications.Created first = upload(dir + "one.txt", "1".getBytes(StandardCharsets.UTF_8), "text/plain");
        S3Notifications.Created second = upload(dir + "two.txt", "22".getBytes(StandardCharsets.UTF_8), "text/plain");

        postStructured(http, id(), notification(first, second)).expectStatus().isOk()
                .expectBody()
                .jsonPath("$.key").isEqualTo(first.key())
                .jsonPath("$.others[0].key").isEqualTo(second.key())
                .jsonPath("$.others[0].outputs[0].size").isEqualTo(2);

        assertThat(read("processed/" + first.key())).isEqualTo("1".getBytes(StandardCharsets.UTF_8));
        assertThat(read("processed/" + second.key())).isEqualTo("22".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void testEventIsAcknowledgedWithoutReply() {
        int before = s3.listObjectsV2(list -> list.bucket(BUCKET)).keyCount();

        postStructured(http, id(), S3Notifications.testEvent(BUCKET))
                .expectStatus().isAccepted()
                .expectHeader().doesNotExist("ce-id")
                .expectHeader().doesNotExist("ce-type");

        assertThat(s3.listObjectsV2(list -> list.bucket(BUCKET)).keyCount()).isEqualTo(before);
    }

    @Test
    void outputsAreNotProcessedAgain() {
        // An output's own notification: processing it would write processed/processed/... forever.
        S3Notifications.Created output = upload("processed/" + dir + "done.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");

        postBinary(http, id(), notification(output))
                .expectStatus().isAccepted()
                .expectHeader().doesNotExist("ce-id");

        assertThat(keysUnder("processed/processed/" + dir)).isEmpty();
        assertThat(dynamo.getItem(get -> get.tableName(TABLE).key(fileKey(output.key(), output.eTag()))).hasItem()).isFalse();
    }

    @Test
    void duplicateDeliveryWritesTheOutputOnce() {
        String key = dir + "twice.txt";
        S3Notifications.Created upload = upload(key, "original".getBytes(StandardCharsets.UTF_8), "text/plain");
        String eventId = id();
        String replyId = postBinary(http, eventId, notification(upload)).expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("ce-id");
        // Mark the output: a second write would replace the mark with the original bytes.
        s3.putObject(put -> put.bucket(BUCKET).key("processed/" + key), RequestBody.fromString("mark"));

        // The broker redelivers the same event, then S3 sends the same version in a new message.
        postBinary(http, eventId, notification(upload)).expectStatus().isOk()
                .expectHeader().valueEquals("ce-id", replyId);
        postStructured(http, id(), notification(upload)).expectStatus().isOk()
                .expectHeader().valueEquals("ce-id", replyId);

        assertThat(read("processed/" + key)).isEqualTo("mark".getBytes(StandardCharsets.UTF_8));
        var versions = dynamo.query(query -> query.tableName(TABLE).keyConditionExpression("pk = :file")
                .expressionAttributeValues(Map.of(":file", AttributeValue.fromS("FILE#" + BUCKET + "/" + key))));
        assertThat(versions.items()).hasSize(1);
        assertThat(replyId).isEqualTo(IdempotencyStore.sha256("FILE#" + BUCKET + "/" + key + "#" + upload.eTag()));
    }

    /**
     * Two layers of "once", not three: the event's claim, and the version's claim, which is also its
     * processed-file record. No separate idempotency item for the version is left behind.
     */
    @Test
    void aProcessedVersionLeavesOneItemThatIsBothItsClaimAndItsRecord() {
        String key = dir + "layers.txt";
        S3Notifications.Created upload = upload(key, "layers".getBytes(StandardCharsets.UTF_8), "text/plain");

        postBinary(http, id(), notification(upload)).expectStatus().isOk();

        Map<String, AttributeValue> record = item(key, upload.eTag());
        assertThat(record.get("status").s()).isEqualTo("COMPLETED");
        assertThat(record.get("outputKey").s()).isEqualTo("processed/" + key);
        assertThat(record).doesNotContainKeys("leaseUntil", Table.EXPIRES_AT);
        String versionClaim = "IDEMPOTENCY#" + IdempotencyStore.sha256("file\nFILE#" + BUCKET + "/" + key + "#" + upload.eTag());
        assertThat(dynamo.getItem(get -> get.tableName(TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(versionClaim), "sk", AttributeValue.fromS("IDEMPOTENCY"))))
                .hasItem()).as("a separate idempotency claim on the version").isFalse();
    }

    /** Another notification of a version being processed right now waits for it and answers its outputs. */
    @Test
    void versionBeingProcessedByAnotherDeliveryIsWaitedForAndNotProcessedTwice() {
        String key = dir + "contended.txt";
        S3Notifications.Created upload = upload(key, "contended".getBytes(StandardCharsets.UTF_8), "text/plain");
        putClaim(key, upload.eTag(), Map.of("status", s("IN_PROGRESS"), "token", s("other-delivery"),
                "leaseUntil", AttributeValue.fromN(Long.toString(Instant.now().plusSeconds(30).toEpochMilli()))));

        HoldingProxy.Hold looked = DYNAMODB.watch("GetItem", "VERSION#" + upload.eTag(), key);

        Sinks.One<WebTestClient.ResponseSpec> answer = Sinks.one();
        Thread.ofVirtual().start(() -> answer.tryEmitValue(postBinary(http, id(), notification(upload))));
        // Once this delivery has found the version in progress, the other one finishes: it wrote its
        // output and completed its record. (Its first read looks for a finished record; the second
        // comes after its claim was refused, while it waits.)
        await().until(() -> looked.seen() > 1);
        putClaim(key, upload.eTag(), Map.of("status", s("COMPLETED"), "token", s("other-delivery"),
                "outputKey", s("processed/" + key), "size", AttributeValue.fromN("9"), "contentType", s("text/plain"),
                "sha256", s("from-the-other-delivery"), "kind", s("copy")));

        answer.asMono().block(Duration.ofSeconds(60)).expectStatus().isOk()
                .expectBody().jsonPath("$.outputs[0].sha256").isEqualTo("from-the-other-delivery");
        assertThat(keysUnder("processed/" + dir)).as("nothing written by the second delivery").isEmpty();
    }

    /** The other delivery fails and lets go while this one waits: this one does the work. */
    @Test
    void versionReleasedByAFailedDeliveryIsProcessedByTheOneWaiting() {
        String key = dir + "released.txt";
        S3Notifications.Created upload = upload(key, "released".getBytes(StandardCharsets.UTF_8), "text/plain");
        putClaim(key, upload.eTag(), Map.of("status", s("IN_PROGRESS"), "token", s("failing-delivery"),
                "leaseUntil", AttributeValue.fromN(Long.toString(Instant.now().plusSeconds(30).toEpochMilli()))));

        HoldingProxy.Hold looked = DYNAMODB.watch("GetItem", "VERSION#" + upload.eTag(), key);

        Sinks.One<WebTestClient.ResponseSpec> answer = Sinks.one();
        Thread.ofVirtual().start(() -> answer.tryEmitValue(postBinary(http, id(), notification(upload))));
        // Its first read looks for a finished record; the second comes after its claim was refused.
        await().until(() -> looked.seen() > 1);
        dynamo.deleteItem(delete -> delete.tableName(TABLE).key(fileKey(key, upload.eTag())));

        answer.asMono().block(Duration.ofSeconds(60)).expectStatus().isOk();
        assertThat(read("processed/" + key)).isEqualTo("released".getBytes(StandardCharsets.UTF_8));
        assertThat(item(key, upload.eTag()).get("status").s()).isEqualTo("COMPLETED");
    }

    @Test
    void newVersionOfTheSameKeyIsProcessedAgain() {
        String key = dir + "draft.txt";
        S3Notifications.Created first = upload(key, "v1".getBytes(StandardCharsets.UTF_8), "text/plain");
        postBinary(http, id(), notification(first)).expectStatus().isOk();
        S3Notifications.Created second = upload(key, "v2!".getBytes(StandardCharsets.UTF_8), "text/plain");

        postBinary(http, id(), notification(second)).expectStatus().isOk();

        assertThat(read("processed/" + key)).isEqualTo("v2!".getBytes(StandardCharsets.UTF_8));
        assertThat(item(key, first.eTag())).isNotEmpty();
        assertThat(item(key, second.eTag()).get("size").n()).isEqualTo("3");
    }

    @Test
    void objectDeletedBeforeProcessingIsAcknowledgedAndNothingWritten() {
        String key = dir + "gone.txt";
        S3Notifications.Created upload = upload(key, "soon gone".getBytes(StandardCharsets.UTF_8), "text/plain");
        s3.deleteObject(delete -> delete.bucket(BUCKET).key(key));

        postBinary(http, id(), notification(upload))
                .expectStatus().isAccepted()
                .expectHeader().doesNotExist("ce-id");

        assertThat(keysUnder("processed/" + dir)).isEmpty();
        assertThat(dynamo.getItem(get -> get.tableName(TABLE).key(fileKey(key, upload.eTag()))).hasItem()).isFalse();
    }

    @Test
    void notificationOfAnOverwrittenVersionWritesNothing() {
        String key = dir + "overwritten.txt";
        S3Notifications.Created old = upload(key, "old".getBytes(StandardCharsets.UTF_8), "text/plain");
        upload(key, "newer".getBytes(StandardCharsets.UTF_8), "text/plain");

        // The newer version has its own notification; the old one must not copy the newer bytes as "old".
        postBinary(http, id(), notification(old)).expectStatus().isAccepted();

        assertThat(keysUnder("processed/" + dir)).isEmpty();
    }

    /**
     * Issue 11: S3Proxy keeps no versions and answers for the current object whatever version is asked
     * for. A notification naming a version whose bytes are gone must not process the newer bytes under
     * the old version's name.
     */
    @Test
    void versionNamedByTheNotificationIsReadNotTheCurrentObject() {
        String key = dir + "versioned.txt";
        S3Notifications.Created old = upload(key, "old".getBytes(StandardCharsets.UTF_8), "text/plain")
                .withVersionId("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        upload(key, "newer".getBytes(StandardCharsets.UTF_8), "text/plain");

        postBinary(http, id(), notification(old)).expectStatus().isAccepted().expectHeader().doesNotExist("ce-id");

        assertThat(keysUnder("processed/" + dir)).isEmpty();
        assertThat(versionsRecorded(key)).isEmpty();
    }

    /**
     * Where the store keeps no versions, the bytes' ETag is the version: two notifications naming
     * different version ids for the same bytes are one processed version, written and recorded once.
     */
    @Test
    void storeWithoutVersionsRecordsTheSameBytesOnce() {
        String key = dir + "unversioned.txt";
        S3Notifications.Created upload = upload(key, "same bytes".getBytes(StandardCharsets.UTF_8), "text/plain");

        String reply = postBinary(http, id(), notification(upload.withVersionId("version-a"))).expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("ce-id");
        s3.putObject(put -> put.bucket(BUCKET).key("processed/" + key), RequestBody.fromString("mark"));
        postBinary(http, id(), notification(upload.withVersionId("version-b"))).expectStatus().isOk()
                .expectHeader().valueEquals("ce-id", reply);

        assertThat(read("processed/" + key)).isEqualTo("mark".getBytes(StandardCharsets.UTF_8));
        assertThat(versionsRecorded(key)).containsExactly("VERSION#" + upload.eTag());
    }

    /**
     * The bucket is the notification's word, and whoever can post to the broker can write one: an upload in
     * another bucket, which the function's credentials could read and write, is refused, not processed there.
     */
    @Test
    void uploadInAnotherBucketIsDeadLetteredAndThatBucketIsNotTouched() {
        String other = "other-" + UUID.randomUUID();
        BACKENDS.clients().createBucket(other);
        String key = dir + "elsewhere.txt";
        String eTag = s3.putObject(put -> put.bucket(other).key(key).contentType("text/plain"), RequestBody.fromString("theirs"))
                .eTag().replace("\"", "");

        postBinary(http, id(), notification(new S3Notifications.Created(other, key, 6, eTag)))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("S3_BUCKET"));

        assertThat(s3.listObjectsV2(list -> list.bucket(other)).contents()).extracting(S3Object::key).containsExactly(key);
        assertThat(dynamo.query(query -> query.tableName(TABLE).keyConditionExpression("pk = :file")
                .expressionAttributeValues(Map.of(":file", AttributeValue.fromS("FILE#" + other + "/" + key)))).items()).isEmpty();
    }

    /** S3 keys are at most 1024 bytes; a longer one is a bad notification, which no retry mends. */
    @Test
    void keyLongerThanS3AllowsIsDeadLettered() {
        String key = dir + "k".repeat(1100);

        postBinary(http, id(), notification(new S3Notifications.Created(BUCKET, key, 1, "d41d8cd98f00b204e9800998ecf8427e")))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("1024 bytes"));

        assertThat(versionsRecorded(key)).isEmpty();
    }

    /**
     * A key of nearly 1 KiB is an ordinary S3 key: processed and recorded like any other, with its
     * activity entry within DynamoDB's 1024-byte index sort key (checked here: dynalite does not).
     */
    @Test
    void keyOfNearly1KiBIsProcessed() {
        // Folders of 200 characters: S3Proxy keeps objects as files, whose names are limited per folder.
        String key = dir + ("f".repeat(200) + "/").repeat(4) + "x".repeat(160) + ".txt";
        assertThat(key.length()).isBetween(1000, 1024);
        S3Notifications.Created upload = upload(key, "long name".getBytes(StandardCharsets.UTF_8), "text/plain");

        postBinary(http, id(), notification(upload)).expectStatus().isOk();

        assertThat(read("processed/" + key)).isEqualTo("long name".getBytes(StandardCharsets.UTF_8));
        assertThat(versionsRecorded(key)).containsExactly("VERSION#" + upload.eTag());
        assertThat(item(key, upload.eTag()).get("gsi1sk").s().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(1024);
    }

    /** S3 (here S3Proxy) answers 400 for a key it will not read: permanent, so 4xx, not a 500 retried six times. */
    @Test
    void keyS3RefusesToReadIsDeadLettered() {
        S3Notifications.Created upload = new S3Notifications.Created(BUCKET, dir + "nul\u0000.txt", 1,
                "d41d8cd98f00b204e9800998ecf8427e");

        postBinary(http, id(), notification(upload))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("Upload S3 will not read");

        assertThat(versionsRecorded(upload.key())).isEmpty();
    }

    @ParameterizedTest(name = "bucket \"{0}\"")
    @CsvSource({"Not_A_Bucket", "ab", "bucket/with/slashes", "..", "-leading-hyphen", "192.168.0.1"})
    void bucketNameS3RefusesIsDeadLettered(String bucket) {
        S3Notifications.Created upload = new S3Notifications.Created(bucket, dir + "file.txt", 1, "d41d8cd98f00b204e9800998ecf8427e");

        postBinary(http, id(), notification(upload))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("bucket name"));
    }

    @Test
    void bodyThatIsNotJsonIsDeadLettered() {
        postBinary(http, id(), "this is not an S3 notification")
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.title").isEqualTo("Not an S3 ObjectCreated notification");
    }

    @Test
    void jsonWithoutRecordsIsDeadLettered() {
        postStructured(http, id(), "{\"type\":\"welcome\",\"to\":\"a@example.com\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("The S3 event notification has no Records");
    }

    S3Notifications.Created upload(String key, byte[] bytes, String contentType) {
        String eTag = s3.putObject(put -> put.bucket(BUCKET).key(key).contentType(contentType), RequestBody.fromBytes(bytes))
                .eTag().replace("\"", "");
        return new S3Notifications.Created(BUCKET, key, bytes.length, eTag);
    }

    /** The sort keys of the processed-file items of {@code key}: one per version processed (or being processed). */
    List<String> versionsRecorded(String key) {
        return dynamo.query(query -> query.tableName(TABLE).keyConditionExpression("pk = :file")
                        .expressionAttributeValues(Map.of(":file", AttributeValue.fromS("FILE#" + BUCKET + "/" + key))))
                .items().stream().map(item -> item.get("sk").s()).toList();
    }

    /** The version's claim item as a delivery holding it (or done with it) leaves it. */
    void putClaim(String key, String version, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(attributes);
        item.putAll(fileKey(key, version));
        item.put("claimedAt", s(Instant.now().toString()));
        dynamo.putItem(put -> put.tableName(TABLE).item(item));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    byte[] read(String key) {
        return s3.getObjectAsBytes(get -> get.bucket(BUCKET).key(key)).asByteArray();
    }

    List<String> keysUnder(String prefix) {
        return s3.listObjectsV2(list -> list.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    Map<String, AttributeValue> item(String key, String version) {
        return dynamo.getItem(get -> get.tableName(TABLE).consistentRead(true).key(fileKey(key, version))).item();
    }

    static Map<String, AttributeValue> fileKey(String key, String version) {
        return Map.of("pk", AttributeValue.fromS("FILE#" + BUCKET + "/" + key), "sk", AttributeValue.fromS("VERSION#" + version));
    }

    static byte[] image(int width, int height, String format) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setPaint(new GradientPaint(0, 0, Color.BLUE, width, height, Color.YELLOW));
        graphics.fillRect(0, 0, width, height);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    static byte[] noise(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(ObjectStore.sha256().digest(bytes));
    }

    static String id() {
        return UUID.randomUUID().toString();
    }
}
