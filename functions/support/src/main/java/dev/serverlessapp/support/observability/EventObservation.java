package dev.serverlessapp.support.observability;

import dev.serverlessapp.contract.KnativeRetries;
import io.cloudevents.CloudEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.ReceiverContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Observes the handling of one CloudEvent: a timer {@value #NAME} tagged with the event type and its
 * outcome (for Prometheus: {@code events_handled_seconds_count{type,outcome}}), and a span that
 * continues the trace in the event's {@code traceparent} extension (CloudEvents distributed tracing).
 */
public final class EventObservation {

    public static final String NAME = "events.handled";

    /** Used where no observation support is configured (plain unit tests). */
    public static final EventObservation NONE = new EventObservation(ObservationRegistry.NOOP);

    /** Event types come from the triggers; an arbitrary long one must not blow up the metric's tags. */
    private static final int MAX_TYPE_LENGTH = 100;

    private final ObservationRegistry registry;

    public EventObservation(ObservationRegistry registry) {
        this.registry = registry;
    }

    /** Knative's retry contract, as a tag: what happens to the event after this answer. */
    public enum Outcome {
        SUCCESS("success"), RETRIED("retried"), DEAD_LETTERED("dead-lettered");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }

        /** What Knative does with the event after this answer ({@link KnativeRetries}). */
        public static Outcome of(HttpStatusCode status) {
            if (KnativeRetries.isSuccess(status.value())) {
                return SUCCESS;
            }
            if (KnativeRetries.isRetried(status.value())) {
                return RETRIED;
            }
            return DEAD_LETTERED;
        }
    }

    /**
     * Runs {@code handling} inside the observation. {@code event} is null when the request was not a
     * valid CloudEvent; it is still counted (type {@code invalid}), as it is dead-lettered too.
     */
    public Mono<ServerResponse> observe(CloudEvent event, Mono<ServerResponse> handling) {
        return Mono.deferContextual(reactorContext -> {
            Observation observation = Observation.createNotStarted(NAME, () -> context(event), registry)
                    .contextualName(event == null ? "invalid event" : "handle " + type(event))
                    .lowCardinalityKeyValue("type", event == null ? "invalid" : type(event));
            if (event != null) {
                observation.highCardinalityKeyValue(EventLogFields.EVENT_ID, event.getId())
                        .highCardinalityKeyValue("cloudevents.event_source", event.getSource().toString());
            }
            // Without a traceparent in the event, the span is a child of the HTTP request's span.
            observation.parentObservation(reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
            observation.start();
            return handling
                    .doOnNext(response -> observation.lowCardinalityKeyValue("outcome",
                            Outcome.of(response.statusCode()).tag()))
                    .doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(context -> context.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }

    private static String type(CloudEvent event) {
        String type = event.getType();
        return type.length() <= MAX_TYPE_LENGTH ? type : type.substring(0, MAX_TYPE_LENGTH);
    }

    /**
     * An event that carries a {@code traceparent} extension continues that trace (the tracing
     * handler extracts it through the getter); one without gets a plain context.
     */
    private static Observation.Context context(CloudEvent event) {
        if (event == null || event.getExtension("traceparent") == null) {
            return new EventContext(event);
        }
        EventReceiverContext context = new EventReceiverContext(event);
        context.setCarrier(event);
        return context;
    }

    /** The event being handled, for {@link EventLogFields}. */
    interface HasEvent {
        CloudEvent event();
    }

    static final class EventContext extends Observation.Context implements HasEvent {
        private final CloudEvent event;

        EventContext(CloudEvent event) {
            this.event = event;
        }

        @Override
        public CloudEvent event() {
            return event;
        }
    }

    static final class EventReceiverContext extends ReceiverContext<CloudEvent> implements HasEvent {
        private final CloudEvent event;

        EventReceiverContext(CloudEvent event) {
            super((carrier, key) -> {
                Object value = carrier.getExtension(key);
                return value == null ? null : value.toString();
            });
            this.event = event;
        }

        @Override
        public CloudEvent event() {
            return event;
        }
    }
}
