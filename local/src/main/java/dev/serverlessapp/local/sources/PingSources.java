package dev.serverlessapp.local.sources;

import dev.serverlessapp.contract.Events;
import dev.serverlessapp.deploy.upstream.KnativeCron;
import dev.serverlessapp.local.routing.DeliveryPolicy;
import dev.serverlessapp.local.routing.Backoff;
import dev.serverlessapp.local.routing.Dispatcher;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import dev.serverlessapp.local.manifests.ChartModel.PingSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * Knative's PingSources: each sends its event to its sink on its cron schedule. A tick missed while the
 * runtime was down is not sent again, as with Knative. {@link #fire} sends one now.
 */
public final class PingSources implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PingSources.class);

    private record Ping(PingSource source, KnativeCron.Schedule schedule, URI sink) {
    }

    private final String namespace;
    private final Map<String, Ping> pings = new LinkedHashMap<>();
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final Disposable.Composite timers = Disposables.composite();

    public PingSources(String namespace, Iterable<PingSource> sources, Function<String, URI> sinkOf,
                       Dispatcher dispatcher, Clock clock) {
        this.namespace = namespace;
        this.dispatcher = dispatcher;
        this.clock = clock;
        for (PingSource source : sources) {
            String name = source.name();
            KnativeCron.Schedule schedule = KnativeCron.schedule(name, source.schedule(), source.timezone());
            pings.put(name, new Ping(source, schedule, sinkOf.apply(name)));
        }
    }

    public Map<String, String> schedules() {
        Map<String, String> schedules = new LinkedHashMap<>();
        pings.forEach((name, ping) -> schedules.put(name, ping.schedule().toString()));
        return schedules;
    }

    public void start() {
        pings.values().forEach(this::scheduleNext);
    }

    private void scheduleNext(Ping ping) {
        ZonedDateTime now = ZonedDateTime.now(clock);
        ZonedDateTime next = ping.schedule().next(now);
        log.info("pingsource {}: next tick at {}", ping.source().name(), next);
        timers.add(Mono.delay(Duration.between(now, next))
                .flatMap(tick -> send(ping))
                .subscribe(event -> scheduleNext(ping), e -> scheduleNext(ping)));
    }

    /** Sends the named PingSource's event now; answers the event sent. */
    public Mono<CloudEvent> fire(String name) {
        Ping ping = pings.get(name);
        if (ping == null) {
            return Mono.error(new IllegalArgumentException("No PingSource named " + name + "; there are " + pings.keySet()));
        }
        return send(ping);
    }

    private Mono<CloudEvent> send(Ping ping) {
        CloudEvent event = event(namespace, ping.source(), ZonedDateTime.now(clock));
        // The ping adapter sends once, with a few quick retries for a sink that is briefly away.
        DeliveryPolicy policy = new DeliveryPolicy(3, Backoff.of("linear", "PT0.5S"), Duration.ofSeconds(30), null);
        return dispatcher.send(event, ping.sink(), policy)
                .doOnNext(outcome -> log.info("pingsource {}: sent {} → {}", ping.source().name(),
                        event.getId(), outcome instanceof Dispatcher.Outcome.Failed ? "failed" : "accepted"))
                .thenReturn(event);
    }

    /** The event Knative's ping adapter sends for the source. */
    public static CloudEvent event(String namespace, PingSource source, ZonedDateTime now) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withType(Events.PING)
                .withSource(URI.create(Events.pingSource(namespace, source.name())))
                .withTime(now.toOffsetDateTime());
        if (source.dataBase64() != null && !source.dataBase64().isBlank()) {
            builder.withData(contentType(source.contentType()), Base64.getDecoder().decode(source.dataBase64()));
        } else if (source.data() != null) {
            builder.withData(contentType(source.contentType()), source.data().getBytes(StandardCharsets.UTF_8));
        }
        if (source.extensions() != null) {
            source.extensions().forEach(builder::withExtension);
        }
        return builder.build();
    }

    private static String contentType(String contentType) {
        return contentType == null || contentType.isBlank() ? "application/json" : contentType;
    }

    @Override
    public void close() {
        timers.dispose();
    }
}
