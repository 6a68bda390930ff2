package dev.serverlessapp.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.support.table.TableProvisioner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The embedded backends on random ports while every port handed out first is one that someone else takes
 * before the backend binds it (as in the start that died with "Failed to bind"): each backend still comes up,
 * on a port of its own, and answers; closed, none listens.
 */
class LocalAwsTest {

    @TempDir
    Path dataDir;

    @Test
    void everyBackendComesUpOnAPortOfItsOwnWhenItsFirstPortIsTakenFromIt() throws IOException {
        List<Socket> squatters = new java.util.ArrayList<>();
        try {
            // Four ports, each taken after it is handed out: as many as there are backends.
            for (int i = 0; i < 4; i++) {
                Socket squatter = new Socket();
                squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                squatters.add(squatter);
            }
            List<Integer> taken = squatters.stream().map(Socket::getLocalPort).toList();
            AtomicInteger picks = new AtomicInteger();
            LocalAws.Settings settings = new LocalAws.Settings(Backends.EMBEDDED, null, "us-east-1", dataDir, 0, 0, 0, 0);

            LocalAws aws = LocalAws.start(settings, step -> { }, () -> {
                int pick = picks.getAndIncrement();
                return pick < taken.size() ? taken.get(pick) : Ports.free();
            });
            List<Integer> ports;
            try {
                ports = List.of(aws.dynamoDbEndpoint().getPort(), aws.sqsEndpoint().getPort(),
                        aws.s3Endpoint().getPort(), aws.smtp().port());
                assertThat(picks.get()).as("every taken port was handed out, and lost").isGreaterThanOrEqualTo(8);
                assertThat(ports).doesNotContainAnyElementsOf(taken).doesNotHaveDuplicates();

                // As a function makes it at its start (DYNAMODB_CREATE_TABLE, below).
                try (DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(aws.dynamoDbEndpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .build()) {
                    TableProvisioner.ensureTable(dynamo, "race", Duration.ofSeconds(60)).join();
                }
                String queue = aws.ensureQueue("race", true);
                assertThat(URI.create(queue).getPort()).isEqualTo(aws.sqsEndpoint().getPort());
                try (SqsClient sqs = aws.sqsClient()) {
                    sqs.sendMessage(m -> m.queueUrl(queue).messageBody("{}"));
                }
                assertThat(aws.ensureBucket("race")).isTrue();
                assertThat(aws.ensureBucket("race")).isFalse();
                Map<String, String> env = aws.functionEnvironment();
                assertThat(env).containsEntry("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDbEndpoint().toString())
                        .containsEntry("DYNAMODB_CREATE_TABLE", "true")
                        .containsEntry("SMTP_PORT", Integer.toString(aws.smtp().port()));
            } finally {
                aws.close();
            }
            assertThat(ports).noneMatch(Ports::isListening);
        } finally {
            for (Socket squatter : squatters) {
                squatter.close();
            }
        }
    }
}
