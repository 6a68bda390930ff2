package dev.serverlessapp.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.routing.Dispatcher;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.Ports;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The emulated SQS source sends what Knative's connector sends (sqs-connector's SqsSourceConnectorTest
 * runs the real one, and asserts the same): over real sockets, against ElasticMQ and a recording sink.
 */
class SqsSourceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static ElasticMq elasticMq;
    private static SqsAsyncClient sqs;
    private static DisposableServer sink;
    private static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private static final AtomicInteger refusals = new AtomicInteger();
    private static String queueUrl;
    private static SqsSource source;

    @BeforeAll
    static void start() {
        elasticMq = ElasticMq.start(Ports.free());
        sqs = SqsAsyncClient.builder().endpointOverride(elasticMq.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
        queueUrl = sqs.createQueue(q -> q.queueName("emulated-source")).join().queueUrl();
        sink = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.post("/ns/email", (request, response) -> request.receive().aggregate().asString()
                        .defaultIfEmpty("").flatMap(body -> {
                            Map<String, String> seen = new TreeMap<>();
                            request.requestHeaders().forEach(h -> seen.put(h.getKey().toLowerCase(), h.getValue()));
                            seen.put("body", body);
                            seen.put("at", Instant.now().toString());
                            received.add(seen);
                            // The first message refused once: it must come back.
                            boolean refuse = body.startsWith("refuse") && refusals.getAndIncrement() == 0;
                            return response.status(refuse ? 503 : 202).send().then();
                        })))
                .bindNow();
        source = new SqsSource(new SqsSource.Settings("email-queue", queueUrl,
                URI.create("http://127.0.0.1:" + sink.port() + "/ns/email"), 10), sqs, new Dispatcher(HttpClient.create()));
        source.start();
    }

    @AfterAll
    static void stop() {
        source.close();
        sink.disposeNow();
        sqs.close();
        elasticMq.close();
    }

    @Test
    void aMessageBecomesTheConnectorsEvent() {
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("{\"type\":\"welcome\"}")).join();

        await(() -> find("{\"type\":\"welcome\"}").size() == 1);
        Map<String, String> event = find("{\"type\":\"welcome\"}").getFirst();
        assertThat(event)
                .containsEntry("ce-specversion", "1.0")
                .containsEntry("ce-type", "dev.knative.eventing.aws-sqs")
                .containsEntry("ce-source", "dev.knative.eventing.aws-sqs-source")
                .containsEntry("ce-subject", "aws-sqs-source")
                .containsEntry("content-type", "application/json");
        assertThat(event.get("ce-id")).matches("[0-9A-F]{15}-[0-9]{16}");
        assertThat(event.keySet().stream().filter(k -> k.startsWith("ce-")))
                .containsExactlyInAnyOrder("ce-specversion", "ce-id", "ce-type", "ce-source", "ce-subject", "ce-time");
        awaitQueueEmpty();
    }

    @Test
    void aRefusedMessageComesBackAfterTheVisibilityTimeoutWithANewId() {
        Instant sent = Instant.now();
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("refuse me once")).join();

        await(() -> find("refuse me once").size() == 2);
        awaitQueueEmpty();
        List<Map<String, String>> attempts = find("refuse me once");
        assertThat(attempts.get(0).get("ce-id")).isNotEqualTo(attempts.get(1).get("ce-id"));
        assertThat(attempts.get(1).get("content-type")).isEqualTo("application/json");
        assertThat(Duration.between(sent, Instant.parse(attempts.get(1).get("at"))))
                .isGreaterThan(Duration.ofSeconds(SqsSource.VISIBILITY_TIMEOUT_SECONDS).minusMillis(500));
    }

    private static List<Map<String, String>> find(String body) {
        return received.stream().filter(r -> r.get("body").equals(body)).toList();
    }

    private static void awaitQueueEmpty() {
        await(() -> sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .join().attributes().values().stream().allMatch("0"::equals));
    }

    private static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited %s", PATIENCE).isBefore(deadline);
            Mono.delay(Duration.ofMillis(100)).block();
        }
    }
}
