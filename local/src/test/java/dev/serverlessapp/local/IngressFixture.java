package dev.serverlessapp.local;

import dev.serverlessapp.local.functions.RecordingServer;
import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.http.ShortTimeouts;
import dev.serverlessapp.local.routing.Broker;
import dev.serverlessapp.local.routing.DeadLetters;
import dev.serverlessapp.local.routing.DeliveryPolicy;
import dev.serverlessapp.local.routing.Dispatcher;
import dev.serverlessapp.local.routing.HttpEvents;
import dev.serverlessapp.local.routing.SqsSink;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.Ports;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The broker ingress with everything behind it real: a broker whose one Trigger takes every event to a
 * recording subscriber, the dead-letter store, and an SQS IntegrationSink on ElasticMQ. A test class
 * registers it as a static extension; it starts before the class's tests and stops after them.
 */
final class IngressFixture implements BeforeAllCallback, AfterAllCallback {

    static final String NAMESPACE = "serverless-app";
    static final String BROKER = "default";
    static final String SINK = "dead-letters";

    RecordingServer subscriber;
    Path deadLetterDir;
    ElasticMq sqs;
    SqsAsyncClient sqsClient;
    String queueUrl;
    IngressServer ingress;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        deadLetterDir = Files.createTempDirectory("dead-letters");
        subscriber = new RecordingServer(request -> 202);
        sqs = ElasticMq.start(Ports.free());
        sqsClient = SqsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(sqs.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
        queueUrl = sqsClient.createQueue(c -> c.queueName("sink")).join().queueUrl();
        Dispatcher dispatcher = new Dispatcher(HttpClient.create());
        Broker broker = new Broker(BROKER, List.of(new Broker.Subscription("everything", event -> true,
                URI.create("http://127.0.0.1:" + subscriber.port() + "/"), DeliveryPolicy.of(null, null), null)),
                dispatcher, new DeadLetters(deadLetterDir, dispatcher));
        CloudEvent ping = CloudEventBuilder.v1().withId("ping-1").withType("dev.knative.sources.ping")
                .withSource(URI.create("/ping")).build();
        ingress = new IngressServer(FrontDoor.LOOPBACK, 0, NAMESPACE, Map.of(BROKER, broker),
                Map.of(SINK, new SqsSink(SINK, queueUrl, sqsClient)),
                name -> "hourly".equals(name) ? Mono.just(ping) : Mono.error(new IllegalArgumentException("No PingSource named " + name)),
                ShortTimeouts.TIMEOUTS);
    }

    String brokerPath() {
        return "/" + NAMESPACE + "/" + BROKER;
    }

    /** The events the subscriber got, as the broker delivered them. */
    List<CloudEvent> delivered() {
        return subscriber.requests().stream().map(request -> {
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().forEach((name, values) -> headers.put(name, values.getFirst()));
            return HttpEvents.read(headers, request.body());
        }).toList();
    }

    Optional<CloudEvent> awaitDelivered(String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<CloudEvent> found = delivered().stream().filter(e -> e.getId().equals(id)).findFirst();
            if (found.isPresent()) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    List<CloudEvent> deadLetters() {
        return DeadLetters.read(deadLetterDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        ingress.close();
        subscriber.close();
        sqsClient.close();
        sqs.close();
        try (Stream<Path> files = Files.walk(deadLetterDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
