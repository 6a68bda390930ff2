package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Knative Broker: every event it accepts goes to each Trigger whose filter matches, with that
 * Trigger's delivery policy; replies come back in with a decremented {@code knativebrokerttl}, so
 * that a function answering its own events cannot loop forever.
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

    public Broker(String name, List<Subscription> subscriptions, Dispatcher dispatcher, DeadLetters deadLetters) {
        this.name = name;
        this.subscriptions = List.copyOf(subscriptions);
        this.dispatcher = dispatcher;
        this.deadLetters = deadLetters;
    }

    public String name() {
        return name;
    }

    public List<Subscription> subscriptions() {
        return subscriptions;
    }

    /**
     * Accepts an event. Delivery happens afterwards: the ingress answers 202 first, as Knative's does.
     * The returned Mono completes when every matching Trigger's delivery has ended (tests wait on it).
     */
    public Mono<Void> publish(CloudEvent event) {
        int ttl = ttl(event);
        CloudEvent delivered = CloudEventBuilder.from(event).withoutExtension(TTL).build();
        List<Subscription> matching = subscriptions.stream().filter(s -> s.filter().test(delivered)).toList();
        log.info("broker {}: event {} ({}, from {}) → {}", name, event.getId(), event.getType(), event.getSource(),
                matching.isEmpty() ? "no trigger matched" : matching.stream().map(Subscription::trigger).toList());
        return Flux.fromIterable(matching)
                .flatMap(s -> deliver(delivered, ttl, s))
                .then();
    }

    private Mono<Void> deliver(CloudEvent event, int ttl, Subscription subscription) {
        return dispatcher.send(event, subscription.subscriber(), subscription.policy())
                .flatMap(outcome -> switch (outcome) {
                    case Dispatcher.Outcome.Delivered delivered -> delivered.reply()
                            .map(reply -> reenter(reply, ttl - 1, subscription))
                            .orElse(Mono.empty());
                    case Dispatcher.Outcome.Failed failed -> deadLetters.deadLetter(event, subscription, failed);
                })
                .onErrorResume(e -> {
                    log.error("broker {}: delivery of {} to trigger {} failed", name, event.getId(),
                            subscription.trigger(), e);
                    return Mono.empty();
                });
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
