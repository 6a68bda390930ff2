package dev.serverlessapp.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The local bucket watcher announces what the chart's notification filter announces: objects under
 * {@code uploads/} only. file-processor's outputs, the hourly reports and anything else in the bucket
 * never reach the uploads queue. Against S3Proxy on files (as the local runtime runs it) and ElasticMQ.
 */
class BucketWatcherTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String BUCKET = "files";

    @TempDir
    Path data;

    /** Apart from S3Proxy's folder, where every folder is a bucket. */
    @TempDir
    Path keptIn;

    private S3ProxyServer s3Proxy;
    private ElasticMq elasticMq;
    private S3AsyncClient s3;
    private SqsAsyncClient sqs;
    private BucketNotifications watcher;
    private final List<String> announced = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        s3Proxy = S3ProxyServer.start(Ports.free(), data);
        elasticMq = ElasticMq.start(Ports.free());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY));
        s3 = S3AsyncClient.builder().endpointOverride(s3Proxy.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials)
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
        sqs = SqsAsyncClient.builder().endpointOverride(elasticMq.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        s3.createBucket(b -> b.bucket(BUCKET)).join();
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        s3.close();
        sqs.close();
        elasticMq.close();
        s3Proxy.close();
    }

    @Test
    void onlyObjectsUnderUploadsAreAnnounced() throws Exception {
        String queueUrl = sqs.createQueue(q -> q.queueName("uploads")).join().queueUrl();
        for (String key : List.of("processed/uploads/a.png", "reports/2026/12/03/01.json", "b.png", "uploads/c.png")) {
            put(key);
        }
        watcher = new BucketNotifications(BUCKET, "us-east-1", queueUrl, s3, sqs, kept());
        watcher.start(Duration.ofMillis(100), Map.of());

        awaitAnnounced(queueUrl, "uploads/c.png");
        // A later upload is announced after a whole listing that saw the others: they were passed over.
        put("uploads/d.png");
        awaitAnnounced(queueUrl, "uploads/d.png");

        assertThat(announced).containsExactly("uploads/c.png", "uploads/d.png");
    }

    // before: the objects in the bucket at a start all counted as announced, so an upload made after the last
    // listing before a stop (up to a poll interval, or a slow listing) was never announced, nor processed
    @Test
    void anUploadAfterTheLastListingBeforeAStopIsAnnouncedAfterTheNextStart() throws Exception {
        String queueUrl = sqs.createQueue(q -> q.queueName("uploads")).join().queueUrl();
        put("uploads/a.png");
        // One listing at the start, none after it before the stop.
        watcher = new BucketNotifications(BUCKET, "us-east-1", queueUrl, s3, sqs, kept());
        watcher.start(Duration.ofHours(1), Map.of());
        awaitAnnounced(queueUrl, "uploads/a.png");
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!Files.isRegularFile(kept()) || !Files.readString(kept()).contains("uploads/a.png")) {
            assertThat(Instant.now()).as("the announcement kept within " + PATIENCE).isBefore(deadline);
            Thread.sleep(50);
        }
        put("uploads/b.png");
        watcher.close();

        // The next start, as the runtime starts it: with what the bucket holds now as "existing".
        Map<String, String> existing = new HashMap<>();
        s3.listObjectsV2(l -> l.bucket(BUCKET)).join().contents()
                .forEach(o -> existing.put(o.key(), BucketNotifications.fingerprint(o)));
        watcher = new BucketNotifications(BUCKET, "us-east-1", queueUrl, s3, sqs, kept());
        watcher.start(Duration.ofHours(1), existing);
        awaitAnnounced(queueUrl, "uploads/b.png");

        assertThat(announced).as("each announced once").containsExactly("uploads/a.png", "uploads/b.png");
    }

    private Path kept() {
        return keptIn.resolve(BUCKET + ".json");
    }

    private void put(String key) {
        s3.putObject(p -> p.bucket(BUCKET).key(key), AsyncRequestBody.fromString("x")).join();
    }

    private void awaitAnnounced(String queueUrl, String key) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!announced.contains(key)) {
            assertThat(Instant.now()).as("announced " + key + " within " + PATIENCE).isBefore(deadline);
            var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(10))
                    .join().messages();
            for (var message : messages) {
                announced.add(json.readTree(message.body()).at("/Records/0/s3/object/key").asText());
                sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(message.receiptHandle())).join();
            }
        }
    }
}
