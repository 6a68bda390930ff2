package dev.serverlessapp.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The memory bound, not the time: the packaged function, in a JVM sized as in a container with a
 * 256 MiB limit (heap at most 126 MiB), copies an upload four times its heap, and its peak resident
 * memory ({@code VmHWM}) stays under 256 MiB. S3Proxy keeps objects on disk
 * here; its in-memory store would hold the upload in its own heap. The upload's size is the
 * {@code streaming.object-bytes} property (see the pom; README has the 1 GiB benchmark command).
 */
class StreamingMemoryIT {

    static final long OBJECT_BYTES = Long.getLong("streaming.object-bytes", 256L << 20);
    static final long MEMORY_LIMIT = 256L << 20;
    static final String BUCKET = "big-uploads";
    static final String TABLE = "files-memory-" + UUID.randomUUID();

    static Path s3Data;
    static S3ProxyServer s3Proxy;
    static Process function;

    @BeforeAll
    static void start() throws IOException {
        s3Data = Files.createTempDirectory("s3proxy-streaming-");
        s3Proxy = S3ProxyServer.start(Ports.free(), s3Data);
        LocalBackends.shared().clients().createTable(AppTable.createTableRequest(TABLE));
        s3().createBucket(create -> create.bucket(BUCKET));
    }

    @AfterAll
    static void stop() throws IOException {
        if (function != null) {
            function.destroy();
        }
        s3Proxy.close();
        try (var files = Files.walk(s3Data)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void uploadManyTimesTheHeapIsCopiedWithinTheMemoryLimit() throws Exception {
        String eTag = s3().putObject(put -> put.bucket(BUCKET).key("video.bin").contentType("application/octet-stream"),
                        RequestBody.fromContentProvider(() -> new PatternStream(OBJECT_BYTES), OBJECT_BYTES,
                                "application/octet-stream"))
                .eTag().replace("\"", "");
        int port = Ports.free();
        startFunction(port);
        long idle = peakResidentBytes(function.pid());

        long started = System.nanoTime();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofMinutes(10))
                        .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                        .header("ce-source", S3Notifications.SQS_SOURCE).header("ce-type", Events.SQS)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(S3Notifications.notification(
                                new S3Notifications.Created(BUCKET, "video.bin", OBJECT_BYTES, eTag))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = peakResidentBytes(function.pid());

        String report = ("Copied %d MiB through the function (-XX:MaxRAM=256m -XX:+UseSerialGC) in %.1f s;"
                + " peak RSS (VmHWM) %d MiB after start-up, %d MiB after the copy")
                .formatted(OBJECT_BYTES >> 20, seconds, idle >> 20, peak >> 20);
        System.out.println(report);
        Files.writeString(Path.of("target", "streaming-memory.txt"), report + System.lineSeparator());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        HeadObjectResponse output = s3().headObject(head -> head.bucket(BUCKET).key("processed/video.bin"));
        assertThat(output.contentLength()).isEqualTo(OBJECT_BYTES);
        assertThat(output.metadata()).containsEntry("sha256", PatternStream.sha256(OBJECT_BYTES));
        assertThat(peak).as(report).isLessThan(MEMORY_LIMIT);
    }

    /**
     * The packaged jar in a JVM sized as if its container had a 256 MiB limit. {@code MaxRAM} gives
     * the heap a 256 MiB container gets (half of it), but not the collector: in such a container the
     * JVM is not on a "server-class machine" and picks Serial GC, so that is set too.
     */
    static void startFunction(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:MaxRAM=256m", "-XX:+UseSerialGC"));
        String extra = System.getProperty("streaming.jvm-options", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", System.getProperty("file-processor.jar")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "streaming-memory-function.log").toFile());
        builder.environment().putAll(Map.of(
                "PORT", Integer.toString(port),
                "AWS_REGION", Backends.REGION,
                "AWS_ACCESS_KEY_ID", Backends.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", Backends.SECRET_KEY,
                "AWS_ENDPOINT_URL_S3", s3Proxy.endpoint().toString(),
                "AWS_ENDPOINT_URL_DYNAMODB", LocalBackends.shared().dynamoDbEndpoint().toString(),
                "AWS_S3_FORCE_PATH_STYLE", "true",
                "DYNAMODB_TABLE", TABLE,
                "S3_BUCKET", BUCKET,
                // The memory bound, not the time: one answer for the whole copy, however slow the machine.
                "REQUEST_DEADLINE", "PT10M"));
        function = builder.start();
        Ports.awaitListening(port, function, Duration.ofSeconds(90), "file-processor");
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static long peakResidentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("No VmHWM for process " + pid);
    }

    static S3Client s3() {
        return S3Client.builder().region(Region.of(Backends.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(s3Proxy.endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** A large upload that is generated, never held: a repeating pattern of known SHA-256. */
    static final class PatternStream extends InputStream {
        private final long length;
        private long position;

        PatternStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? byteAt(position++) : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) byteAt(position++);
            }
            return n;
        }

        private static int byteAt(long position) {
            return (int) ((position * 31 + (position >>> 16)) & 0xFF);
        }

        static String sha256(long length) throws IOException {
            MessageDigest digest = ObjectStore.sha256();
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = new PatternStream(length)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
