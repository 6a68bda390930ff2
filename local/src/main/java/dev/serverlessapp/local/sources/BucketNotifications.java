package dev.serverlessapp.local.sources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlessapp.contract.BucketLayout;
import java.net.URLEncoder;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * S3's bucket notifications, which S3Proxy does not send: the bucket is listed every interval, and
 * each new or changed object puts the same {@code ObjectCreated:Put} notification JSON on the uploads
 * queue that S3 would put there. What has been announced is kept ({@link NotifiedObjects}), so that an
 * upload made after the last listing before a stop is announced after the next start.
 */
public final class BucketNotifications implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BucketNotifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bucket;
    private final String region;
    private final String queueUrl;
    private final S3AsyncClient s3;
    private final SqsAsyncClient sqs;
    private final NotifiedObjects notified;
    private final Map<String, String> seen = new HashMap<>();
    /** Whether {@link #seen} holds more than the kept list; listings run one at a time, so no lock. */
    private boolean changed;
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis());
    private Disposable watching;

    public BucketNotifications(String bucket, String region, String queueUrl, S3AsyncClient s3, SqsAsyncClient sqs,
                               Path notifiedFile) {
        this.bucket = bucket;
        this.notified = new NotifiedObjects(notifiedFile);
        this.region = region;
        this.queueUrl = queueUrl;
        this.s3 = s3;
        this.sqs = sqs;
    }

    /**
     * Watches for objects not yet announced: those the kept list does not name, or, on a data folder's first
     * start, those not in {@code existing} (key → fingerprint), which count as announced.
     */
    public void start(Duration interval, Map<String, String> existing) {
        Optional<Map<String, String>> kept = notified.load();
        seen.putAll(kept.orElse(existing));
        changed = kept.isEmpty();
        // One listing at a time, the next one an interval after the last ended, however long it took.
        watching = Mono.defer(this::scan)
                .onErrorResume(e -> {
                    log.warn("bucket {}: listing failed: {}", bucket, e.toString());
                    return Mono.empty();
                })
                .then(Mono.delay(interval))
                .repeat()
                .subscribe();
    }

    /** What S3 puts on the queue once when a notification configuration is saved; file-processor acknowledges it. */
    public static String testEvent(String bucket) {
        return JSON.createObjectNode()
                .put("Service", "Amazon S3").put("Event", "s3:TestEvent").put("Time", Instant.now().toString())
                .put("Bucket", bucket).put("RequestId", requestId()).put("HostId", requestId()).toString();
    }

    private Mono<Void> scan() {
        Map<String, String> listed = new HashMap<>();
        return list().doOnNext(o -> listed.put(o.key(), fingerprint(o)))
                .filter(o -> !fingerprint(o).equals(seen.get(o.key())))
                .concatMap(o -> Mono.fromFuture(() -> s3.headObject(h -> h.bucket(bucket).key(o.key())))
                        // Listed, then gone (or still being written): the next listing decides.
                        .onErrorResume(NoSuchKeyException.class, e -> Mono.empty())
                        .flatMap(head -> send(notification(bucket, region, o.key(), head.contentLength(),
                                head.eTag() == null ? "" : head.eTag(), sequencer.incrementAndGet())))
                        .doOnSuccess(v -> {
                            seen.put(o.key(), fingerprint(o));
                            changed = true;
                            log.info("bucket {}: ObjectCreated:Put {} → uploads queue", bucket, o.key());
                        }))
                .then(Mono.defer(() -> keep(listed)));
    }

    /** Keeps what has been announced and is still listed; objects gone since drop out of the list. */
    private Mono<Void> keep(Map<String, String> listed) {
        changed |= seen.keySet().retainAll(listed.keySet());
        if (!changed) {
            return Mono.empty();
        }
        Map<String, String> announced = Map.copyOf(seen);
        return Mono.fromRunnable(() -> notified.save(announced)).subscribeOn(Schedulers.boundedElastic())
                .doOnSuccess(saved -> changed = false).then();
    }

    /** What tells a new version of an object apart: its ETag, or (S3Proxy lists none) its size and time. */
    public static String fingerprint(S3Object object) {
        return object.eTag() != null ? object.eTag() : object.size() + "@" + object.lastModified();
    }

    /**
     * The bucket's uploads, as the chart's notification filter announces them (outputs and reports never);
     * S3Proxy's file store also lists its folders ("a/b/"), which S3 would not.
     */
    private Flux<S3Object> list() {
        return Flux.from(s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(BucketLayout.UPLOADS)).contents())
                .filter(o -> !o.key().endsWith("/"));
    }

    private Mono<Void> send(String body) {
        return Mono.fromFuture(() -> sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body))).then();
    }

    /** The notification S3 puts on the queue for one new object. */
    public static String notification(String bucket, String region, String key, long size, String eTag, long sequence) {
        ObjectNode record = JSON.createObjectNode()
                .put("eventVersion", "2.1").put("eventSource", "aws:s3").put("awsRegion", region)
                .put("eventTime", Instant.now().toString()).put("eventName", "ObjectCreated:Put");
        record.putObject("userIdentity").put("principalId", "local");
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        record.putObject("responseElements").put("x-amz-request-id", requestId()).put("x-amz-id-2", requestId());
        ObjectNode s3Node = record.putObject("s3").put("s3SchemaVersion", "1.0").put("configurationId", "uploads");
        s3Node.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket)
                .putObject("ownerIdentity").put("principalId", "local");
        s3Node.putObject("object").put("key", encodeKey(key)).put("size", size)
                .put("eTag", eTag.replace("\"", ""))
                .put("sequencer", HexFormat.of().toHexDigits(sequence).toUpperCase());
        ObjectNode notification = JSON.createObjectNode();
        notification.putArray("Records").add(record);
        return notification.toString();
    }

    /** S3 URL-encodes keys in notifications as a form would (a space is '+'), keeping the slashes. */
    static String encodeKey(String key) {
        return Arrays.stream(key.split("/", -1)).map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8))
                .collect(Collectors.joining("/"));
    }

    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    }

    @Override
    public void close() {
        if (watching != null) {
            watching.dispose();
        }
    }
}
