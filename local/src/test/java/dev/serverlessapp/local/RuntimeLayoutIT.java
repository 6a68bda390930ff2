package dev.serverlessapp.local;

import static dev.serverlessapp.local.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The runtime as {@code serverless-local} starts it: a JVM of its own, with {@code local/jvm.args}, from the
 * layout the build makes (target/runtime/local-runtime.jar and lib/) and its AOT cache. Its class path is
 * not the tests' (no Spring, no function-support, fewer jars), so each kind of event is sent through it
 * once, and the command line runs from the same layout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeLayoutIT {

    private static final Duration READY = Duration.ofMinutes(3);
    private static final Duration EFFECT = Duration.ofSeconds(120);

    @TempDir
    static Path work;

    private final Path project = RuntimeOptions.findProjectDir(Path.of(""));
    private final Path layout = project.resolve("local/target/runtime");
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dataDir;
    private Path log;
    private Process runtime;
    private RuntimeState state;

    @BeforeAll
    void startFromTheLayout() throws IOException {
        assertThat(layout.resolve("local-runtime.jar")).isRegularFile();
        dataDir = work.resolve("data");
        log = work.resolve("runtime.log");
        runtime = new ProcessBuilder(java("up", "--random-ports", "--fresh", "--data-dir", dataDir.toString()))
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await(READY, () -> logText().contains("is running locally") || !runtime.isAlive());
        assertThat(runtime.isAlive()).as("the runtime exited; its log:%n%s", logText()).isTrue();
        state = RuntimeState.read(dataDir);
    }

    @AfterAll
    void stopLeavesNothingRunning() throws InterruptedException {
        if (runtime == null) {
            return;
        }
        Set<ProcessHandle> children = runtime.descendants().collect(Collectors.toSet());
        runtime.toHandle().destroy(); // SIGTERM, as Ctrl-C
        assertThat(runtime.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
        await(Duration.ofSeconds(20), () -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(logText()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }

    @Test
    void aSignUpGetsItsWelcomeMailListedByTheMailCommand() throws Exception {
        String email = "layout-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(state.apiUrl() + "/users"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"" + email + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        await(EFFECT, () -> command("mail").contains(email));
    }

    @Test
    void anUploadGetsItsThumbnailAndAPingItsReport() throws Exception {
        String key = "uploads/" + UUID.randomUUID() + ".png";
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(640, 320, BufferedImage.TYPE_INT_RGB), "png", png);
        try (S3Client s3 = S3Client.builder().region(Region.of(state.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(state.s3Endpoint())).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build()) {
            s3.putObject(p -> p.bucket(state.bucket()).key(key).contentType("image/png"),
                    RequestBody.fromBytes(png.toByteArray()));
            await(EFFECT, () -> s3.listObjectsV2(l -> l.bucket(state.bucket()).prefix("processed/" + key)).keyCount() > 0);

            command("ping", "hourly");
            await(EFFECT, () -> s3.listObjectsV2(l -> l.bucket(state.bucket()).prefix("reports/")).keyCount() > 0);
        }
    }

    /** A command of the command line, run as {@code serverless-local} runs it; its output. */
    private String command(String... args) {
        try {
            List<String> command = java(args);
            command.addAll(List.of("--data-dir", dataDir.toString()));
            Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The java command of serverless-local: its flags, the AOT cache when the build made one, the layout's jar. */
    private List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "@local/jvm.args"));
        if (Files.isRegularFile(layout.resolve("local.aot"))) {
            command.addAll(List.of("-XX:AOTCache=" + layout.resolve("local.aot"), "-Xlog:aot*=error"));
        }
        command.addAll(List.of("-jar", layout.resolve("local-runtime.jar").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
