package dev.serverlessapp.local;

import static dev.serverlessapp.local.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.cli.LocalCommand;
import dev.serverlessapp.local.functions.FunctionProcess;
import dev.serverlessapp.local.http.RawHttp;
import dev.serverlessapp.local.routing.DeadLetters;
import io.cloudevents.CloudEvent;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The whole system, started once from the chart as README's command starts it: real function jars as
 * processes, the broker and sources, and the embedded backends. Each scenario checks its effect in the
 * backend that holds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalRuntimeIT {

    /** Short, so that the scale-to-zero scenario does not wait Knative's default minute. */
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final Duration EFFECT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDir;

    private LocalRuntime runtime;
    private Set<ProcessHandle> children;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startRuntime() {
        Path project = RuntimeOptions.findProjectDir(Path.of(""));
        runtime = LocalRuntime.start(RuntimeOptions.defaults(project).withDataDir(dataDir, true)
                .withPorts(RuntimeOptions.Ports.random()).withIdleTimeout(IDLE), step -> System.out.println("▸ " + step));
    }

    @AfterAll
    void stopRuntimeAndLeaveNothingRunning() {
        children = ProcessHandle.current().descendants().collect(Collectors.toSet());
        runtime.close();
        // dynalite, S3Proxy and every function ran as children; none may outlive the runtime.
        await(Duration.ofSeconds(20), () -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(children.stream().filter(ProcessHandle::isAlive).map(p -> p.info().commandLine().orElse("?")))
                .isEmpty();
        assertThat(dataDir.resolve("runtime.json")).doesNotExist();
    }

    @Test
    void postedUserGetsTheWelcomeMail() throws Exception {
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(runtime.state().apiUrl() + "/users"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"" + email + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        MimeMessage mail = awaitMailTo(email);
        assertThat(mail.getSubject()).containsIgnoringCase("welcome");
        // The outbox keeps it on disk for the `mail` command.
        await(Duration.ofSeconds(5), () -> dataDir.resolve("mail").toFile().list() != null
                && dataDir.resolve("mail").toFile().list().length > 0);
    }

    @Test
    void uploadedPngGetsAThumbnailUnderProcessed() throws Exception {
        String key = "uploads/" + UUID.randomUUID() + ".png";
        BufferedImage image = new BufferedImage(800, 400, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        try (S3Client s3 = runtime.aws().s3Client()) {
            s3.putObject(p -> p.bucket(runtime.state().bucket()).key(key).contentType("image/png"),
                    RequestBody.fromBytes(png.toByteArray()));

            await(EFFECT, () -> s3.listObjectsV2(l -> l.bucket(runtime.state().bucket()).prefix("processed/" + key))
                    .keyCount() > 0);
            byte[] thumbnail = s3.getObjectAsBytes(g -> g.bucket(runtime.state().bucket()).key("processed/" + key)).asByteArray();
            BufferedImage read = ImageIO.read(new java.io.ByteArrayInputStream(thumbnail));
            assertThat(read.getWidth()).isLessThanOrEqualTo(256);
            assertThat(read.getHeight()).isLessThanOrEqualTo(256);
        }
    }

    @Test
    void firedPingWritesTheHourlyReport() {
        int exit = new CommandLine(new LocalCommand()).execute("ping", "--data-dir=" + dataDir, "hourly");
        assertThat(exit).isZero();

        try (S3Client s3 = runtime.aws().s3Client()) {
            await(EFFECT, () -> !reports(s3).isEmpty());
            // The last finished hour is reported (earlier missing hours are caught up too).
            Instant lastHour = Instant.now().minus(Duration.ofHours(1));
            String expected = java.time.format.DateTimeFormatter.ofPattern("'reports/'yyyy/MM/dd/HH'.json'")
                    .withZone(java.time.ZoneOffset.UTC).format(lastHour);
            await(EFFECT, () -> reports(s3).contains(expected));
        }
    }

    @Test
    void poisonMessageOnTheEmailQueueEndsInTheDeadLetters() {
        String poison = "not json " + UUID.randomUUID();
        try (SqsClient sqs = runtime.aws().sqsClient()) {
            sqs.sendMessage(m -> m.queueUrl(runtime.state().queues().get("serverless-app-email")).messageBody(poison));

            await(EFFECT, () -> deadLetter(poison) != null);
            CloudEvent dead = deadLetter(poison);
            assertThat(dead.getType()).isEqualTo("dev.knative.eventing.aws-sqs");
            assertThat(dead.getSubject()).as("the connector's shape, no queue extension").isEqualTo("aws-sqs-source");
            assertThat(dead.getExtension("queue")).isNull();
            assertThat((Integer) dead.getExtension("knativeerrorcode")).isBetween(400, 499);
            assertThat(dead.getExtension("knativeerrordest")).isEqualTo(runtime.state().functions().get("email-worker"));
            assertThat(new String(Base64.getDecoder().decode(dead.getExtension("knativeerrordata").toString()),
                    StandardCharsets.UTF_8)).isNotBlank();

            // The chart's dead-letter sink (an SQS IntegrationSink) got it too, with the error attributes.
            String dlq = runtime.state().queues().get("serverless-app-dead-letters");
            Message[] received = new Message[1];
            await(Duration.ofSeconds(30), () -> {
                received[0] = sqs.receiveMessage(r -> r.queueUrl(dlq).messageAttributeNames("All").waitTimeSeconds(1)
                                .maxNumberOfMessages(10)).messages().stream()
                        .filter(m -> m.body().equals(poison)).findFirst().orElse(null);
                return received[0] != null;
            });
            // Under the header names, as Knative's sink connector keeps them (SqsSinkConnectorTest).
            assertThat(received[0].messageAttributes()).containsKeys("ce-knativeerrorcode", "ce-knativeerrordest", "ce-knativeerrordata")
                    .doesNotContainKeys("ce-type", "ce-id", "ce-source");
        }
    }

    @Test
    void functionStoppedForIdlenessIsStartedAgainByTheNextEvent() {
        FunctionProcess emailWorker = runtime.functions().get("email-worker");
        String before = "grace-" + UUID.randomUUID() + "@example.com";
        sendNotification(before);
        awaitMailTo(before);

        // No traffic for the idle timeout: scaled to zero, as Knative would.
        await(IDLE.plus(Duration.ofSeconds(30)), () -> !emailWorker.isRunning());
        int coldStarts = emailWorker.coldStarts();

        String after = "grace-" + UUID.randomUUID() + "@example.com";
        sendNotification(after);
        assertThat(awaitMailTo(after)).isNotNull();
        assertThat(emailWorker.coldStarts()).isEqualTo(coldStarts + 1);
        assertThat(emailWorker.isRunning()).isTrue();
    }

    @Test
    void aSpoofedForwardedForGetsNoFreshRateLimitBucket() throws Exception {
        int api = URI.create(runtime.state().apiUrl()).getPort();
        // Wakes user-api first: a cold start may take a while on a busy machine.
        RawHttp.exchange("127.0.0.5", api, signUpAs("198.51.100.1"), Duration.ofMinutes(3));

        // A client at 127.0.0.5 (a loopback address of its own) that names a new address in every request:
        // the activator forwards its real one, so its bucket runs dry all the same.
        int limited = 0;
        AtomicInteger spoofed = new AtomicInteger(2);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 20 && limited == 0; round++) {
                List<Future<Integer>> statuses = new java.util.ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    String address = "198.51." + spoofed.get() / 250 + "." + spoofed.getAndIncrement() % 250;
                    statuses.add(clients.submit(() -> RawHttp.exchange("127.0.0.5", api, signUpAs(address), EFFECT).status()));
                }
                for (Future<Integer> status : statuses) {
                    limited += status.get() == 429 ? 1 : 0;
                }
            }
        }
        assertThat(limited).as("requests limited after " + (spoofed.get() - 2) + " with spoofed addresses").isPositive();
        // The bucket is the real client's: another address is not limited by it.
        assertThat(RawHttp.exchange("127.0.0.6", api, signUpAs("198.51.100.1"), EFFECT).status()).isNotEqualTo(429);
    }

    /** An empty sign-up (400 after the rate limit) that claims to come from {@code address}. */
    private static byte[] signUpAs(String address) {
        return RawHttp.request("POST", "/users", Map.of("Content-Type", "application/json", "X-Forwarded-For", address),
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everythingListensOnLoopbackOnly() throws Exception {
        Assumptions.assumeTrue(ListeningSockets.available(), "needs Linux's /proc to list listening sockets");
        // A function JVM must be among the listeners: a request starts user-api if it is not running.
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(runtime.state().apiUrl() + "/livez")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        ProcessHandle userApi = runtime.functions().get("user-api").handle().orElseThrow();

        List<ListeningSockets.Listener> functionSockets = ListeningSockets.of(userApi.pid());
        // Its serving port and its management port.
        assertThat(functionSockets).hasSizeGreaterThanOrEqualTo(2);
        List<ProcessHandle> processes = new java.util.ArrayList<>(ProcessHandle.current().descendants().toList());
        processes.add(ProcessHandle.current());
        for (ProcessHandle process : processes) {
            assertThat(ListeningSockets.of(process.pid())).as("sockets of %s", process.info().commandLine().orElse("?"))
                    .allMatch(ListeningSockets.Listener::isLoopback);
        }
    }

    private void sendNotification(String to) {
        try (SqsClient sqs = runtime.aws().sqsClient()) {
            sqs.sendMessage(m -> m.queueUrl(runtime.state().queues().get("serverless-app-email")).messageBody("""
                    {"type":"notification","to":"%s","subject":"Hello","body":"Sent by an event."}"""
                    .formatted(to)));
        }
    }

    private CloudEvent deadLetter(String data) {
        return DeadLetters.read(dataDir.resolve("dead-letters")).stream()
                .filter(e -> e.getData() != null && new String(e.getData().toBytes(), StandardCharsets.UTF_8).equals(data))
                .findFirst().orElse(null);
    }

    private List<String> reports(S3Client s3) {
        return s3.listObjectsV2(l -> l.bucket(runtime.state().bucket()).prefix("reports/")).contents().stream()
                .map(S3Object::key).toList();
    }

    private MimeMessage awaitMailTo(String email) {
        MimeMessage[] found = new MimeMessage[1];
        await(EFFECT, () -> {
            found[0] = runtime.smtp().received().stream().filter(m -> sentTo(m, email)).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static boolean sentTo(MimeMessage mail, String email) {
        try {
            Address[] to = mail.getAllRecipients();
            return to != null && Arrays.stream(to).anyMatch(a -> a.toString().contains(email));
        } catch (jakarta.mail.MessagingException e) {
            return false;
        }
    }
}
