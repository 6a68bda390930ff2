package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a broker accepted and has not finished delivering, kept on disk, as a durable Knative broker
 * (Kafka's) keeps it: one file per event and Trigger, written before the ingress answers 202 and
 * deleted when the delivery ends (delivered, or dead-lettered). A runtime stopped mid-delivery leaves
 * the files, and the next start on the same data folder delivers them again. Handlers are idempotent
 * on source and id, so an event delivered again does no harm.
 */
public final class PendingDeliveries {

    private static final Logger log = LoggerFactory.getLogger(PendingDeliveries.class);

    /** One kept delivery: its file (null when nothing is kept), its Trigger, and the event with its TTL. */
    public record Pending(Path file, String trigger, CloudEvent event, int ttl) {
    }

    private final Path folder;

    private PendingDeliveries(Path folder) {
        this.folder = folder;
    }

    /** Keeping deliveries in {@code folder}, one subfolder per broker. */
    public static PendingDeliveries in(Path folder) {
        return new PendingDeliveries(folder);
    }

    /** Keeping nothing: deliveries live only in memory (tests of the routing itself). */
    public static PendingDeliveries none() {
        return new PendingDeliveries(null);
    }

    /** Writes the delivery down (blocking file IO: call it off the event loop). */
    Pending keep(String trigger, CloudEvent event, int ttl) {
        if (folder == null) {
            return new Pending(null, trigger, event, ttl);
        }
        try {
            Path dir = Files.createDirectories(folder.resolve(trigger));
            Path file = dir.resolve(Instant.now().toEpochMilli() + "-" + UUID.randomUUID() + ".json");
            Path partial = dir.resolve(file.getFileName() + ".partial");
            Files.write(partial, HttpEvents.jsonWithBase64Data(CloudEventBuilder.from(event)
                    .withExtension(Broker.TTL, ttl).build()));
            // A crash while writing leaves a .partial file, never half an event to deliver.
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return new Pending(file, trigger, event, ttl);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep event " + event.getId() + " in " + folder, e);
        }
    }

    /** The delivery ended: forget it. */
    void done(Pending pending) {
        if (pending.file() == null) {
            return;
        }
        try {
            Files.deleteIfExists(pending.file());
        } catch (IOException e) {
            log.warn("Could not delete the delivered event {} ({}); it will be delivered again at the next start",
                    pending.file(), e.toString());
        }
    }

    /** What an earlier run left undelivered, oldest first. */
    List<Pending> left() {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        List<Pending> left = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder, 2)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                CloudEvent kept = HttpEvents.fromJson(Files.readAllBytes(file));
                CloudEvent event = CloudEventBuilder.from(kept).withoutExtension(Broker.TTL).build();
                left.add(new Pending(file, file.getParent().getFileName().toString(), event, Broker.ttl(kept)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the undelivered events in " + folder, e);
        }
        return left;
    }
}
