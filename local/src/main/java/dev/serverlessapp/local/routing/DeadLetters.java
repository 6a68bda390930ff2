package dev.serverlessapp.local.routing;

import dev.serverlessapp.reactive.BlockingWork;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The dead-letter store: every event a Trigger gave up on, as structured CloudEvent JSON files with
 * Knative's error extensions, so they can be read after the fact. When the chart's dead-letter sink
 * resolves to something running locally, the event is sent there as well.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** Knative keeps at most this much of the subscriber's answer in {@code knativeerrordata}. */
    static final int MAX_ERROR_DATA = 1024;

    private final Path folder;
    private final Dispatcher dispatcher;

    public DeadLetters(Path folder, Dispatcher dispatcher) {
        this.folder = folder;
        this.dispatcher = dispatcher;
    }

    public Path folder() {
        return folder;
    }

    public Mono<Void> deadLetter(CloudEvent event, Broker.Subscription subscription, Dispatcher.Outcome.Failed failed) {
        CloudEvent dead = withErrorExtensions(event, subscription.subscriber().toString(), failed);
        log.warn("dead letter: event {} ({}) for trigger {} after {} attempt(s), last answer {}", event.getId(),
                event.getType(), subscription.trigger(), failed.attempts(),
                failed.status() == null ? new String(failed.body()) : "HTTP " + failed.status());
        Mono<Void> store = BlockingWork.run(Schedulers.boundedElastic(), () -> store(dead, subscription.trigger()));
        if (subscription.deadLetterSink() == null) {
            return store;
        }
        DeliveryPolicy once = new DeliveryPolicy(0, subscription.policy().backoff(), subscription.policy().timeout(), null);
        return store.then(dispatcher.send(dead, subscription.deadLetterSink(), once)).then();
    }

    static CloudEvent withErrorExtensions(CloudEvent event, String destination, Dispatcher.Outcome.Failed failed) {
        CloudEventBuilder builder = CloudEventBuilder.from(event).withExtension("knativeerrordest", destination);
        if (failed.status() != null) {
            builder.withExtension("knativeerrorcode", failed.status());
        }
        if (failed.body().length > 0) {
            byte[] data = Arrays.copyOf(failed.body(), Math.min(failed.body().length, MAX_ERROR_DATA));
            builder.withExtension("knativeerrordata", Base64.getEncoder().encodeToString(data));
        }
        return builder.build();
    }

    private void store(CloudEvent dead, String trigger) {
        try {
            Files.createDirectories(folder);
            String file = Instant.now().toEpochMilli() + "-" + trigger + "-" + dead.getId().replaceAll("[^A-Za-z0-9._-]", "_");
            Files.write(folder.resolve(file + ".json"), HttpEvents.jsonWithBase64Data(dead));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep a dead letter in " + folder, e);
        }
    }

    /** The stored dead letters, oldest first. */
    public static List<CloudEvent> read(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(f -> {
                        try {
                            return HttpEvents.fromJson(Files.readAllBytes(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
