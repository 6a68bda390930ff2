package dev.serverlessapp.local.sources;

import dev.serverlessapp.local.routing.Backoff;
import dev.serverlessapp.local.routing.DeliveryPolicy;
import dev.serverlessapp.local.routing.Dispatcher;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An SQS IntegrationSource: long-polls its queue and sends each message to its sink as a
 * {@code dev.knative.eventing.aws-sqs} event with the source's {@code ceOverrides}. A message is deleted
 * only after the sink answered 2xx; otherwise it comes back after its visibility timeout, and SQS's own
 * redrive moves it to the queue's dead-letter queue in the end.
 */
public final class SqsSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsSource.class);

    public static final String TYPE = "dev.knative.eventing.aws-sqs";
    public static final String SOURCE = "dev.knative.eventing.aws-sqs-source";

    /** The source as the chart declares it, with its queue resolved to a URL. */
    public record Settings(String name, String queueUrl, Map<String, String> extensions, URI sink,
                           int waitTimeSeconds, int maxMessages) {
    }

    private final Settings settings;
    private final SqsAsyncClient sqs;
    private final Dispatcher dispatcher;
    private Disposable polling;

    public SqsSource(Settings settings, SqsAsyncClient sqs, Dispatcher dispatcher) {
        this.settings = settings;
        this.sqs = sqs;
        this.dispatcher = dispatcher;
    }

    public Settings settings() {
        return settings;
    }

    public synchronized void start() {
        polling = Mono.defer(this::pollOnce).repeat().subscribe();
    }

    private Mono<Void> pollOnce() {
        return Mono.fromFuture(() -> sqs.receiveMessage(r -> r.queueUrl(settings.queueUrl())
                        .maxNumberOfMessages(settings.maxMessages()).waitTimeSeconds(settings.waitTimeSeconds())
                        .messageSystemAttributeNamesWithStrings("All")))
                .flatMapMany(response -> Flux.fromIterable(response.messages()))
                .flatMap(this::forward)
                .then()
                .onErrorResume(e -> {
                    log.warn("sqs source {}: polling {} failed ({}); trying again in 1s", settings.name(),
                            settings.queueUrl(), e.toString());
                    return Mono.delay(Duration.ofSeconds(1)).then();
                });
    }

    private Mono<Void> forward(Message message) {
        CloudEvent event = event(message.messageId(), message.body(), settings.extensions());
        DeliveryPolicy once = new DeliveryPolicy(0, Backoff.of(null, null), Duration.ofSeconds(30), null);
        return dispatcher.send(event, settings.sink(), once)
                .flatMap(outcome -> {
                    if (outcome instanceof Dispatcher.Outcome.Delivered) {
                        return Mono.fromFuture(() -> sqs.deleteMessage(d -> d.queueUrl(settings.queueUrl())
                                .receiptHandle(message.receiptHandle()))).then();
                    }
                    log.warn("sqs source {}: sink did not accept message {}; it stays on the queue", settings.name(),
                            message.messageId());
                    return Mono.empty();
                });
    }

    /** The event Knative's SQS IntegrationSource sends for a message: its body is the data. */
    public static CloudEvent event(String messageId, String body, Map<String, String> extensions) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(messageId)
                .withType(TYPE)
                .withSource(URI.create(SOURCE))
                .withTime(OffsetDateTime.now())
                .withData(body.getBytes(StandardCharsets.UTF_8));
        extensions.forEach(builder::withExtension);
        return builder.build();
    }

    @Override
    public synchronized void close() {
        if (polling != null) {
            polling.dispose();
        }
    }
}
