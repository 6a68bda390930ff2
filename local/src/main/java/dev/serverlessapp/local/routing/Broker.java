package dev.serverlessapp.local.routing;

import dev.serverlessapp.reactive.BlockingWork;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A Knative Broker: every event it accepts goes to each Trigger whose filter matches, with that
 * Trigger's delivery policy; replies come back in with a decremented {@code knativebrokerttl}, so
 * that a function answering its own events cannot loop forever. What it accepted is kept in its
 * {@link PendingDeliveries} until delivered, so a restart in the middle of the retries loses nothing.
 */
public final class Broker {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    static final String TTL = "knativebrokerttl";
    /** Knative's default TTL for an event that enters the broker without one. */
    static final int DEFAULT_TTL = 255;

    /** A Trigger, resolved: its filter, its subscriber's URL and how to deliver. */
    public record Subscription(String trigger, Predicate<CloudEvent> filter, URI subscriber, DeliveryPolicy policy,
                               URI deadLetterSink) {
    }

    private final String name;
    private final List<Subscription> subscriptions;
    private final Dispatcher dispatcher;
    private final DeadLetters deadLetters;
    private final PendingDeliveries pending;
    /** Emits once, at {@link #close()}: every delivery still running in the background stops there. */
    private final Sinks.One<Boolean> closing = Sinks.one();

    public Broker(String name, List<Subscription> subscriptions, Dispatcher dispatcher, DeadLetters deadLetters) {
        this(name, subscriptions, dispatcher, deadLetters, PendingDeliveries.none());
    }

    public Broker(String name, List<Subscription> subscriptions, Dispatcher dispatcher, DeadLetters deadLetters,
                  PendingDeliveries pending) {
        this.name = name;
        this.subscriptions = List.copyOf(subscriptions);
        this.dispatcher = dispatcher;
        this.deadLetters = deadLetters;
        this.pending = pending;
    }

    public String name() {
        return name;
    }

    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    /**
     * Accepts an event, as the ingress does before it answers 202: the Mono completes once the event is
     * kept for every matching Trigger; the deliveries go on in the background until they end or the
     * broker closes.
     */
    public Mono<Void> accept(CloudEvent event) {
        return keep(event).doOnNext(kept -> kept.forEach(this::deliverInBackground)).then();
    }

    /** Accepts an event and completes when every matching Trigger's delivery has ended (tests wait on it). */
    public Mono<Void> publish(CloudEvent event) {
        return keep(event).flatMapMany(Flux::fromIterable).flatMap(this::deliver).then();
    }

    /** Delivers again what an earlier run on the same data folder accepted and did not finish. */
    public void resume() {
        BlockingWork.on(Schedulers.boundedElastic(), pending::left)
                .flatMapMany(Flux::fromIterable)
                .subscribe(left -> {
                    if (subscriptions.stream().noneMatch(s -> s.trigger().equals(left.trigger()))) {
                        log.warn("broker {}: event {} was left for trigger {}, which is no longer in the chart; it "
                                + "stays in {}", name, left.event().getId(), left.trigger(), left.file());
                        return;
                    }
                    log.info("broker {}: delivering event {} ({}) to trigger {} again: the last run stopped before "
                            + "it was delivered", name, left.event().getId(), left.event().getType(), left.trigger());
                    deliverInBackground(left);
                });
    }

    /** Stops the deliveries still running; what they had not finished stays kept for the next start. */
    public void close() {
        closing.tryEmitValue(true);
    }

    private Mono<List<PendingDeliveries.Pending>> keep(CloudEvent event) {
        int ttl = ttl(event);
        CloudEvent delivered = CloudEventBuilder.from(event).withoutExtension(TTL).build();
        List<Subscription> matching = subscriptions.stream().filter(s -> s.filter().test(delivered)).toList();
        log.info("broker {}: event {} ({}, from {}) → {}", name, event.getId(), event.getType(), event.getSource(),
                matching.isEmpty() ? "no trigger matched" : matching.stream().map(Subscription::trigger).toList());
        return Flux.fromIterable(matching).concatMap(s -> keepFor(delivered, ttl, s)).collectList();
    }

    private Mono<PendingDeliveries.Pending> keepFor(CloudEvent event, int ttl, Subscription subscription) {
        // The file write blocks; the delivery that follows it (an SQS sink's SDK call too) must not run on its thread.
        return BlockingWork.on(Schedulers.boundedElastic(), () -> pending.keep(subscription.trigger(), event, ttl));
    }

    private void deliverInBackground(PendingDeliveries.Pending kept) {
        deliver(kept).takeUntilOther(closing.asMono()).subscribe();
    }

    private Mono<Void> deliver(PendingDeliveries.Pending kept) {
        Subscription subscription = subscriptions.stream().filter(s -> s.trigger().equals(kept.trigger()))
                .findFirst().orElseThrow();
        CloudEvent event = kept.event();
        return dispatcher.send(event, subscription.subscriber(), subscription.policy())
                .flatMap(outcome -> switch (outcome) {
                    case Dispatcher.Outcome.Delivered delivered -> delivered.reply()
                            .map(reply -> reenter(reply, kept.ttl() - 1, subscription))
                            .orElse(Mono.empty());
                    case Dispatcher.Outcome.Failed failed -> deadLetters.deadLetter(event, subscription, failed);
                })
                .onErrorResume(e -> {
                    log.error("broker {}: delivery of {} to trigger {} failed", name, event.getId(),
                            subscription.trigger(), e);
                    return Mono.empty();
                })
                .then(Mono.fromRunnable(() -> pending.done(kept)).subscribeOn(Schedulers.boundedElastic()))
                .then();
    }

    private Mono<Void> reenter(CloudEvent reply, int ttl, Subscription from) {
        if (ttl <= 0) {
            log.warn("broker {}: dropped reply {} ({}) from trigger {}: its knativebrokerttl ran out, "
                    + "so it was probably looping", name, reply.getId(), reply.getType(), from.trigger());
            return Mono.empty();
        }
        return publish(CloudEventBuilder.from(reply).withExtension(TTL, ttl).build());
    }

    static int ttl(CloudEvent event) {
        Object value = event.getExtension(TTL);
        if (value == null) {
            return DEFAULT_TTL;
        }
        try {
            return Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            return DEFAULT_TTL;
        }
    }
}
