package dev.serverlessapp.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Runs Knative's SQS source connector (the upstream route and Camel 4.14.0 code, see
 * {@link SqsSourceConnector}) in a JVM of its own, configured by the environment Knative 1.22 gives the
 * container of the chart's rendered {@code email-queue} IntegrationSource, against ElasticMQ and a
 * recording sink that stands where the broker ingress would. What it shows is what the chart's routing
 * may rely on, and what it may not.
 */
class SqsSourceConnectorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String NAMESPACE = "serverless-app";
    /** What a chart that used ceOverrides gave the connector (K_CE_OVERRIDES = {"extensions":{"queue":"email"}}). */
    private static final Map<String, Object> QUEUE_EXTENSION = Map.of("extensions", Map.of("queue", "email"));

    private static LocalSqs elasticMq;
    private static SqsClient sqs;
    private static RecordingSink sink;
    private static ConnectorProcess connector;
    private static String queueUrl;
    private static String queueName;
    private static String sinkPath;

    @BeforeAll
    static void startConnector() throws IOException {
        elasticMq = new LocalSqs();
        sqs = elasticMq.client();
        URI endpoint = elasticMq.endpoint();

        Map<String, Object> spec = ConnectorProcess.renderedSpec("IntegrationSource", "email-queue");
        Map<String, Object> sqsSpec = child(child(spec, "aws"), "sqs");
        String arn = (String) sqsSpec.get("arn");
        queueName = arn.substring(arn.lastIndexOf(':') + 1);
        queueUrl = sqs.createQueue(q -> q.queueName(queueName)).queueUrl();
        // As the chart renders it with aws.endpoint set (LocalStack-style values), plus the old ceOverrides.
        sqsSpec.put("overrideEndpoint", true);
        sqsSpec.put("uriEndpointOverride", endpoint.toString());
        spec.put("ceOverrides", QUEUE_EXTENSION);

        sink = new RecordingSink();
        sinkPath = "/" + NAMESPACE + "/" + child(child(spec, "sink"), "ref").get("name");
        Map<String, String> env = KnativeEnvironment.ofSource(spec, sink.url(sinkPath),
                Map.of("aws.accessKey", "test", "aws.secretKey", "test"));
        connector = ConnectorProcess.start(SqsSourceConnector.class, env);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
    }

    @Test
    void eachMessageBecomesOneBinaryCloudEventWhoseAttributesAreTheSameForEveryQueue() {
        String body = "{\"type\":\"welcome\",\"to\":\"ada@example.com\",\"userId\":\"u-1\"}";
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body).messageAttributes(Map.of("traceparent",
                MessageAttributeValue.builder().dataType("String")
                        .stringValue("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build())));

        RecordingSink.Request event = await("the event", () -> first(sink.requestsWithBody(body)));

        assertThat(event.path()).as("posted to K_SINK, the broker's ingress").isEqualTo(sinkPath);
        assertThat(event.headers())
                .containsEntry("ce-specversion", "1.0")
                .containsEntry("ce-type", "dev.knative.eventing.aws-sqs")
                .containsEntry("ce-source", "dev.knative.eventing.aws-sqs-source")
                .containsEntry("ce-subject", "aws-sqs-source")
                .as("binary content mode, always declared JSON")
                .containsEntry("content-type", "application/json");
        assertThat(event.headers().get("ce-id")).as("Camel's exchange id, not the SQS message id")
                .matches("[0-9A-F]{15}-[0-9]{16}");
        assertThat(OffsetDateTime.parse(event.headers().get("ce-time"))).isBeforeOrEqualTo(OffsetDateTime.now());
        assertThat(event.headers().keySet().stream().filter(h -> h.startsWith("ce-")))
                .as("no extension: neither K_CE_OVERRIDES' queue nor the message's traceparent")
                .containsExactlyInAnyOrder("ce-specversion", "ce-id", "ce-type", "ce-source", "ce-subject", "ce-time");
        assertThat(event.headers().values()).as("nothing in the event names the queue it came from")
                .noneMatch(value -> value.contains(queueName) || value.contains("email"));
        awaitQueueEmpty();
    }

    @Test
    void aMessageTheSinkRefusesStaysOnTheQueueAndComesBackWithANewIdUntilItIsAccepted() {
        String body = "not JSON at all";
        sink.answer(body, 400, 503);
        Instant sent = Instant.now();
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body));

        List<RecordingSink.Request> attempts = await("three attempts", () -> {
            List<RecordingSink.Request> seen = sink.requestsWithBody(body);
            return seen.size() >= 3 ? seen : null;
        });
        awaitQueueEmpty();

        assertThat(attempts).extracting(RecordingSink.Request::answered).containsExactly(400, 503, 202);
        assertThat(attempts).extracting(r -> r.headers().get("ce-id")).as("a new event each time").doesNotHaveDuplicates();
        assertThat(attempts).extracting(r -> r.headers().get("content-type")).containsOnly("application/json");
        for (int i = 1; i < attempts.size(); i++) {
            // Each receive hides the message for the Pipe's visibilityTimeout (10 s), which wins over the 0
            // Knative passes for the unset field: attempt i cannot come before i timeouts after the send.
            assertThat(Duration.between(sent, attempts.get(i).at())).as("attempt %d waited out the visibility timeouts", i + 1)
                    .isGreaterThan(Duration.ofSeconds(10L * i).minusMillis(500));
        }
        assertThat(sink.requestsWithBody(body)).as("nothing after the 202").hasSize(3);
    }

    private static void awaitQueueEmpty() {
        await("the queue to be empty", () -> {
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return attributes.values().stream().allMatch("0"::equals) ? attributes : null;
        });
    }

    private static <T> T await(String what, Supplier<T> condition) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            if (!connector.isAlive()) {
                throw new AssertionError("the connector stopped while waiting for " + what + "; its output:\n" + connector.output());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no " + what + " within " + PATIENCE + "; the connector's output:\n" + connector.output());
    }

    private static <T> T first(List<T> list) {
        return list.isEmpty() ? null : list.getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }
}
