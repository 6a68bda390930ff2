package dev.serverlessapp.local.sources;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.local.routing.Backoff;
import dev.serverlessapp.local.routing.DeliveryPolicy;
import dev.serverlessapp.local.routing.Dispatcher;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An SQS IntegrationSource, as Knative's connector behaves (sqs-connector's {@code SqsSourceConnectorTest}
 * runs the real one): it long-polls its queue and sends each message to its sink as a binary-mode
 * {@code dev.knative.eventing.aws-sqs} event whose type, source and subject are the same for every queue,
 * with no extension (the connector ignores {@code ceOverrides}) and a new id for every receive. A message
 * is deleted only after the sink answered 2xx; any other answer leaves it on the queue, to come back after
 * the connector's visibility timeout, until SQS's own redrive moves it to the queue's dead-letter queue.
 */
public final class SqsSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqsSource.class);

    public static final String TYPE = Events.SQS;
    public static final String SOURCE = Events.SQS_SOURCE;
    public static final String SUBJECT = Events.SQS_SUBJECT;
    /** The connector's route sets these, whatever the IntegrationSource says. */
    static final int WAIT_TIME_SECONDS = 5;
    static final int VISIBILITY_TIMEOUT_SECONDS = 10;
    /** Ids as Camel writes its exchange ids: a random prefix for the process and a counter. */
    private static final String ID_PREFIX = HexFormat.of().withUpperCase()
            .formatHex(ByteBuffer.allocate(8).putLong(new SecureRandom().nextLong()).array()).substring(0, 15);
    private static final AtomicLong EXCHANGES = new AtomicLong();

    /** The source as the chart declares it, with its queue resolved to a URL. */
    public record Settings(String name, String queueUrl, URI sink, int maxMessages) {
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
                        .maxNumberOfMessages(settings.maxMessages()).waitTimeSeconds(WAIT_TIME_SECONDS)
                        .visibilityTimeout(VISIBILITY_TIMEOUT_SECONDS)))
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
        CloudEvent event = event(message.body());
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

    /** The event Knative's SQS connector sends for one receive of a message: its body is the data. */
    public static CloudEvent event(String body) {
        return CloudEventBuilder.v1()
                .withId(ID_PREFIX + "-" + "%016d".formatted(EXCHANGES.getAndIncrement()))
                .withType(TYPE)
                .withSource(URI.create(SOURCE))
                .withSubject(SUBJECT)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC))
                // Always declared JSON, whatever the body is.
                .withData("application/json", body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Override
    public synchronized void close() {
        if (polling != null) {
            polling.dispose();
        }
    }
}
