package dev.serverlessapp.files;

import static dev.serverlessapp.files.S3Notifications.notification;
import static dev.serverlessapp.files.S3Notifications.postBinary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 going away and coming back: the function's own S3Proxy keeps its objects on disk, so it can be
 * stopped and started again on the same port, and the event Knative retries finds the upload.
 */
@SpringBootTest(classes = FileProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class S3OutageTest {

    static final String TABLE = "files-outage-" + UUID.randomUUID();
    static final String BUCKET = "uploads-" + UUID.randomUUID();
    static final int S3_PORT = Ports.free();
    static Path s3Data;
    static S3ProxyServer s3Proxy;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) throws IOException {
        s3Data = Files.createTempDirectory("s3proxy-outage-");
        s3Proxy = S3ProxyServer.start(S3_PORT, s3Data);
        LocalBackends.shared().springProperties(Backends.Service.DYNAMODB)
                .forEach((name, value) -> registry.add(name, () -> value));
        LocalBackends.shared().clients().createTable(AppTable.createTableRequest(TABLE));
        registry.add("aws.endpoints.s3", () -> s3Proxy.endpoint().toString());
        registry.add("app.table.name", () -> TABLE);
        registry.add("app.files.bucket", () -> BUCKET);
    }

    @AfterAll
    static void stop() {
        s3Proxy.close();
    }

    @Autowired
    WebTestClient http;

    @Test
    void s3OutageGets503AndTheRetrySucceeds() {
        WebTestClient patient = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
        S3Client s3 = ownS3();
        s3.createBucket(create -> create.bucket(BUCKET));
        String eTag = s3.putObject(put -> put.bucket(BUCKET).key("report.txt").contentType("text/plain"),
                RequestBody.fromString("quarterly numbers")).eTag().replace("\"", "");
        String event = notification(new S3Notifications.Created(BUCKET, "report.txt", 17, eTag));
        String eventId = UUID.randomUUID().toString();

        s3Proxy.close();
        postBinary(patient, eventId, event)
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.title").isEqualTo("Temporarily unavailable");
        // Nothing recorded as processed. (The attempt may still hold the version's claim while its S3
        // calls retry past the request deadline; it releases the claim when they fail.)
        assertThat(LocalBackends.shared().clients().dynamo().getItem(get -> get.tableName(TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("FILE#" + BUCKET + "/report.txt"),
                        "sk", AttributeValue.fromS("VERSION#" + eTag)))).item())
                .doesNotContainEntry("status", AttributeValue.fromS("COMPLETED"));

        s3Proxy = S3ProxyServer.start(S3_PORT, s3Data);
        // Knative retries the same event: the failed attempt released its claim, so this one runs.
        postBinary(patient, eventId, event)
                .expectStatus().isOk()
                .expectHeader().valueEquals("ce-type", "dev.serverlessapp.file.processed");

        assertThat(ownS3().getObjectAsBytes(get -> get.bucket(BUCKET).key("processed/report.txt")).asString(StandardCharsets.UTF_8))
                .isEqualTo("quarterly numbers");
    }

    /** Sync client for the function's own S3Proxy (the shared clients point at the shared one). */
    static S3Client ownS3() {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(s3Proxy.endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }
}
