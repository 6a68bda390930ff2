package dev.serverlessapp.local.faults;

import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.contract.FileVersionItem;
import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.faults.FaultPlan.Window;
import dev.serverlessapp.testing.FaultProxy;
import dev.serverlessapp.testing.fuzz.Fuzz;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload path under faults, on the real local runtime (file-processor as a JVM process, S3Proxy,
 * ElasticMQ, dynalite, the bucket watcher and the broker): clients upload images and other files while
 * the run SIGKILLs file-processor, stalls S3 and DynamoDB for it (a {@link FaultProxy} in front of each)
 * and restarts the runtime. Then it counts, and prints a table:
 * <ul>
 *   <li>every upload S3 acknowledged has its {@code processed/<key>} (lost), and it is right: a copy holds
 *       the same bytes, a thumbnail decodes and fits 256 pixels (wrong);</li>
 *   <li>each upload has exactly one processed-file record, completed (records);</li>
 *   <li>counted as late when it was processed (the record's {@code processedAt}) more than
 *       {@link FaultPlan#welcomeWithin()} after its upload or the end of the faults that held it up;</li>
 *   <li>nothing is dead-lettered, by the broker or by the uploads queue's SQS redrive.</li>
 * </ul>
 * CI runs the small plan; {@code -Dfaults=large} (or {@code -Dfuzz.scale=large}) runs 600 uploads.
 * Timing is counted, not asserted, in the small plan. The faults follow the seed ({@code -Dfuzz.seed}).
 */
class UploadFaultsIT {

    private static final String TABLE = "serverless-app";
    private static final String PREFIX = "uploads/faults-";

    @TempDir
    Path dataDir;

    private FaultInjector faults;
    private FaultProxy dynamoDb;
    private FaultProxy s3Proxy;

    /** One acknowledged upload: what was sent, and when S3 took it. */
    record Upload(String key, byte[] bytes, boolean image, Instant at, int attempts) {
    }

    @Test
    void everyUploadIsProcessedOnceThroughCrashesStallsAndARestart() {
        Fuzz.run("UploadFaultsIT", 1, 1, (random, index) -> run(random));
    }

    private void run(Random random) throws Exception {
        boolean large = FaultPlan.largeRequested(Fuzz.large());
        FaultPlan plan = large ? FaultPlan.uploadsLarge(random) : FaultPlan.uploadsSmall(random);
        System.out.println("Upload fault suite, seed " + Fuzz.seed() + ": " + plan);
        RuntimeOptions.Ports ports = FaultInjector.fixedPorts();
        dynamoDb = FaultProxy.start(0, ports.dynamoDb());
        s3Proxy = FaultProxy.start(0, ports.s3());
        faults = new FaultInjector(Map.of(FaultPlan.DYNAMODB, dynamoDb, FaultPlan.S3, s3Proxy), stopping -> { });
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        try (S3Client s3 = s3Client(ports.s3())) {
            RuntimeOptions options = RuntimeOptions.defaults(RuntimeOptions.findProjectDir(Path.of(""))).withPorts(ports)
                    .withEnv(Map.of("file-processor:AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString(),
                            "file-processor:AWS_ENDPOINT_URL_S3", s3Proxy.endpoint().toString()));
            faults.start(options.withDataDir(dataDir, true));
            String bucket = faults.runtime().state().bucket();
            faults.warmUp(List.of("file-processor"));

            List<Future<Optional<Upload>>> sent = uploads(plan, s3, bucket, clients, random);
            List<Window> windows = faults.inject(plan, options.withDataDir(dataDir, false));
            List<Upload> uploads = new ArrayList<>();
            for (Future<Optional<Upload>> upload : sent) {
                upload.get().ifPresent(uploads::add);
            }
            Instant quiet = windows.getLast().end();
            for (Upload upload : uploads) {
                quiet = upload.at().isAfter(quiet) ? upload.at() : quiet;
            }
            Set<String> outputs = awaitOutputs(s3, bucket, uploads, quiet.plus(plan.waitAtMost()));
            Count count = count(plan, uploads, outputs, windows, s3, bucket);
            System.out.println(count.report(Fuzz.seed(), plan, windows));
            check(count, plan, large);
        } finally {
            clients.shutdownNow();
            Optional.ofNullable(faults).ifPresent(FaultInjector::stop);
            Optional.ofNullable(dynamoDb).ifPresent(FaultProxy::close);
            Optional.ofNullable(s3Proxy).ifPresent(FaultProxy::close);
        }
    }

    private static void check(Count count, FaultPlan plan, boolean large) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(count.acknowledged()).as("uploads S3 acknowledged").isEqualTo(plan.users());
        soft.assertThat(count.lost()).as("acknowledged uploads without processed/<key> within "
                + plan.waitAtMost().toMinutes() + " min of the faults ending").isEmpty();
        soft.assertThat(count.wrong()).as("outputs that are not what their upload should give").isEmpty();
        soft.assertThat(count.records()).as("uploads without exactly one completed processed-file record").isEmpty();
        soft.assertThat(count.deadLetters()).as("events the broker dead-lettered").isEmpty();
        soft.assertThat(count.sqsDeadLetters()).as("notifications SQS moved to the uploads dead-letter queue").isZero();
        if (large) {
            soft.assertThat(count.late()).as("outputs later than " + plan.welcomeWithin().toSeconds()
                    + " s after their upload or the fault ending").isEmpty();
        }
        soft.assertAll();
    }

    // ---- traffic ----

    /** Straight to S3Proxy, not through the proxy file-processor goes through: the clients are not stalled. */
    private static S3Client s3Client(int port) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:" + port))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(15)))
                .build();
    }

    /** Each client uploads one file, again and again until S3 takes it (the runtime may be restarting). */
    private List<Future<Optional<Upload>>> uploads(FaultPlan plan, S3Client s3, String bucket, ExecutorService clients,
                                                   Random random) {
        return faults.clients(plan, random, clients, n -> {
            boolean image = n % 2 == 0;
            String key = PREFIX + n + "-" + Long.toHexString(random.nextLong()) + (image ? ".png" : ".txt");
            byte[] bytes = image ? png(new Random(random.nextLong())) : text(new Random(random.nextLong()));
            return () -> upload(s3, bucket, key, bytes, image, plan.clientBudget());
        });
    }

    private static Optional<Upload> upload(S3Client s3, String bucket, String key, byte[] bytes, boolean image,
                                           Duration budget) throws InterruptedException {
        Instant giveUp = Instant.now().plus(budget);
        for (int attempt = 1; Instant.now().isBefore(giveUp); attempt++) {
            try {
                s3.putObject(p -> p.bucket(bucket).key(key).contentType(image ? "image/png" : "text/plain"),
                        RequestBody.fromBytes(bytes));
                return Optional.of(new Upload(key, bytes, image, Instant.now(), attempt));
            } catch (RuntimeException down) {
                Thread.sleep(500);
            }
        }
        System.out.println("gave up uploading " + key);
        return Optional.empty();
    }

    private static byte[] png(Random random) {
        BufferedImage image = new BufferedImage(200 + random.nextInt(400), 100 + random.nextInt(300),
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y += 10) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] text(Random random) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(20_000);
        while (text.length() < length) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // ---- counting ----

    /** The uploads with an output, polled until all have one or the time is up. */
    private static Set<String> awaitOutputs(S3Client s3, String bucket, List<Upload> uploads, Instant until)
            throws InterruptedException {
        while (true) {
            Set<String> seen = s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix("processed/" + PREFIX)).contents()
                    .stream().map(output -> output.key().substring("processed/".length())).collect(Collectors.toSet());
            if (seen.containsAll(uploads.stream().map(Upload::key).toList()) || Instant.now().isAfter(until)) {
                return seen;
            }
            Thread.sleep(1000);
        }
    }

    record Count(int acknowledged, int outputs, List<String> lost, List<String> wrong, List<String> records,
                 List<String> late, List<String> deadLetters, int sqsDeadLetters, List<String> slowest,
                 Map<Integer, Integer> attempts) {

        String report(long seed, FaultPlan plan, List<Window> windows) {
            StringBuilder out = new StringBuilder();
            out.append("Upload fault suite, seed ").append(seed).append(" (repeat with -Dfuzz.seed=").append(seed)
                    .append("), ").append(plan).append('\n');
            windows.forEach(w -> out.append("  ").append(w).append('\n'));
            out.append("| uploads | acknowledged | processed | lost | wrong | not one record | late (>")
                    .append(plan.welcomeWithin().toSeconds()).append(" s) | dead letters |\n");
            out.append("|%8d |%13d |%10d |%5d |%6d |%15d |%14d |%13s |\n".formatted(plan.users(), acknowledged,
                    outputs, lost.size(), wrong.size(), records.size(), late.size(),
                    deadLetters.size() + " + " + sqsDeadLetters));
            out.append("(upload attempts: ").append(attempts).append("; the slowest, upload to processed: ").append(slowest)
                    .append(")\n");
            for (var section : Map.of("lost", lost, "wrong", wrong, "records", records, "late", late,
                    "dead letters", deadLetters).entrySet()) {
                if (!section.getValue().isEmpty()) {
                    out.append(section.getKey()).append(" (").append(section.getValue().size()).append("), the first ones:\n");
                    section.getValue().stream().limit(8).forEach(item -> out.append("  ").append(item).append('\n'));
                }
            }
            return out.toString();
        }
    }

    private Count count(FaultPlan plan, List<Upload> uploads, Set<String> outputs, List<Window> windows,
                        S3Client s3, String bucket) {
        List<String> lost = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> late = new ArrayList<>();
        TreeMap<Duration, String> slowest = new TreeMap<>();
        Map<String, List<Optional<Instant>>> records = records(bucket);
        List<String> notOneRecord = new ArrayList<>();
        Map<Integer, Integer> attempts = new TreeMap<>();
        for (Upload upload : uploads) {
            attempts.merge(upload.attempts(), 1, Integer::sum);
            List<Optional<Instant>> processed = records.getOrDefault(upload.key(), List.of());
            if (processed.size() != 1 || processed.getFirst().isEmpty()) {
                notOneRecord.add(upload.key() + " " + processed);
            }
            if (!outputs.contains(upload.key())) {
                lost.add(upload.key() + " (uploaded at " + upload.at() + ")");
                continue;
            }
            byte[] written = s3.getObjectAsBytes(g -> g.bucket(bucket).key("processed/" + upload.key())).asByteArray();
            Optional<String> mistake = mistake(upload, written);
            mistake.ifPresent(m -> wrong.add(upload.key() + ": " + m));
            Optional<Instant> at = processed.stream().flatMap(Optional::stream).min(Instant::compareTo);
            if (at.isEmpty()) {
                continue;
            }
            Instant output = at.get();
            Duration after = Duration.between(upload.at(), output);
            slowest.put(after, after.toSeconds() + " s (uploaded " + upload.at() + ")");
            if (slowest.size() > 3) {
                slowest.pollFirstEntry();
            }
            Instant due = FaultCount.due(upload.at(), windows, plan.welcomeWithin());
            if (output.isAfter(due)) {
                late.add(upload.key() + " (" + Duration.between(due, output).toSeconds() + " s late, "
                        + after.toSeconds() + " s after its upload)");
            }
        }
        return new Count(uploads.size(), (int) uploads.stream().filter(u -> outputs.contains(u.key())).count(), lost,
                wrong, notOneRecord, late, FaultInjector.deadLetters(dataDir),
                faults.sqsDeadLetters("serverless-app-uploads-dlq"), List.copyOf(slowest.descendingMap().values()), attempts);
    }

    /** What a copy or a thumbnail must be; empty when the output is right. */
    private static Optional<String> mistake(Upload upload, byte[] written) {
        if (!upload.image()) {
            return Arrays.equals(upload.bytes(), written) ? Optional.empty()
                    : Optional.of("a copy of " + upload.bytes().length + " bytes, got " + written.length);
        }
        try {
            BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(written));
            if (thumbnail == null) {
                return Optional.of("not an image (" + written.length + " bytes)");
            }
            return thumbnail.getWidth() <= 256 && thumbnail.getHeight() <= 256 ? Optional.empty()
                    : Optional.of("a thumbnail of " + thumbnail.getWidth() + "×" + thumbnail.getHeight());
        } catch (IOException e) {
            return Optional.of("unreadable: " + e);
        }
    }

    /** Each upload's processed-file records (one per version), each with when it was completed, if it was. */
    private Map<String, List<Optional<Instant>>> records(String bucket) {
        String pk = FileVersionItem.pk(bucket, "");
        try (DynamoDbClient dynamo = DynamoDbClient.builder().region(Region.US_EAST_1)
                .endpointOverride(faults.runtime().aws().dynamoDbEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            Map<String, List<Optional<Instant>>> records = new HashMap<>();
            dynamo.scanPaginator(s -> s.tableName(TABLE).consistentRead(true)).items().stream()
                    .filter(item -> item.get("pk").s().startsWith(pk + PREFIX)
                            && item.get("sk").s().startsWith(FileVersionItem.sk("")))
                    .forEach(item -> records.computeIfAbsent(item.get("pk").s().substring(pk.length()),
                            key -> new ArrayList<>()).add(Optional.ofNullable(item.get(FileVersionItem.PROCESSED_AT))
                            .filter(done -> item.containsKey(FileVersionItem.OUTPUT_KEY))
                            .map(done -> Instant.parse(done.s()))));
            return records;
        }
    }
}
