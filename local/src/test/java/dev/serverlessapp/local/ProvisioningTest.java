package dev.serverlessapp.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.aws.Backends;
import dev.serverlessapp.local.aws.LocalAws;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartSource;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What the real chart refers to, made on the embedded backends, and each function's environment pointing at them. */
class ProvisioningTest {

    @TempDir
    static Path dataDir;
    private static ChartModel chart;
    private static LocalAws aws;

    @BeforeAll
    static void start() {
        Path project = RuntimeOptions.findProjectDir(Path.of(""));
        chart = ChartSource.render(project.resolve("helm/serverless-app"), "serverless-app");
        aws = LocalAws.start(new LocalAws.Settings(Backends.EMBEDDED, null, "us-east-1", dataDir, 0, 0, 0, 0), step -> { });
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void theQueuesTheSourcesReadGetADeadLetterQueueAndTheFunctionsPointAtTheLocalOnes() {
        Provisioning.Provisioned provisioned = Provisioning.provision(chart, aws, Map.of());

        assertThat(provisioned.queues()).containsKeys("serverless-app-email", "serverless-app-uploads");
        try (SqsClient sqs = aws.sqsClient()) {
            String email = provisioned.queues().get("serverless-app-email");
            assertThat(sqs.getQueueAttributes(g -> g.queueUrl(email).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                    .attributes().get(QueueAttributeName.REDRIVE_POLICY))
                    .contains("serverless-app-email-dlq").containsPattern("\"maxReceiveCount\":\"?" + LocalAws.MAX_RECEIVE_COUNT + "\"?[,}]");
        }
        assertThat(provisioned.environments()).containsOnlyKeys(chart.services().stream().map(s -> s.name()).toList());
        provisioned.environments().forEach((function, env) -> {
            assertThat(env).as(function).containsEntry("AWS_ENDPOINT_URL_SQS", aws.sqsEndpoint().toString())
                    .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDbEndpoint().toString())
                    .containsEntry("DYNAMODB_CREATE_TABLE", "true").doesNotContainKey("AWS_ENDPOINT_URL");
            env.forEach((name, value) -> {
                if (name.endsWith("_QUEUE_URL") && !value.isBlank()) {
                    assertThat(URI.create(value).getPort()).as(function + " " + name).isEqualTo(aws.sqsEndpoint().getPort());
                    assertThat(provisioned.queues()).containsValue(value);
                }
            });
        });
        assertThat(provisioned.bucket()).isEqualTo(provisioned.environments().get("scheduled-tasks").get("S3_BUCKET"));
    }

    @Test
    void aSecondProvisioningFindsWhatTheFirstMade() {
        assertThat(Provisioning.provision(chart, aws, Map.of()).queues())
                .isEqualTo(Provisioning.provision(chart, aws, Map.of()).queues());
    }

    @Test
    void envForAllThenForOneFunctionAndANullFromTheBackendsRemovesAVariable() {
        ChartModel.Service userApi = chart.services().stream().filter(s -> s.name().equals("user-api")).findFirst().orElseThrow();
        Map<String, String> backends = new HashMap<>();
        backends.put("AWS_REGION", "eu-west-1");
        backends.put("K_REVISION", null);
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("AUTH_ENABLED", "false");
        extra.put("user-api:AUTH_PUBLIC_SIGNUP", "false");
        extra.put("email-worker:MAIL_FROM", "nobody@example.com");

        Map<String, String> env = Provisioning.environment(userApi, backends, extra);

        assertThat(env).containsEntry("AWS_REGION", "eu-west-1").doesNotContainKey("K_REVISION")
                .containsEntry("AUTH_ENABLED", "false").containsEntry("AUTH_PUBLIC_SIGNUP", "false")
                .doesNotContainKey("MAIL_FROM").doesNotContainKey("email-worker:MAIL_FROM")
                .containsEntry("K_SERVICE", "user-api");
    }
}
