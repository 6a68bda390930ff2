package dev.serverlessapp.support.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The W3C trace context ({@code traceparent}, {@code tracestate}) of the work in progress, for a
 * message that leaves the function (an SQS message attribute, a CloudEvent extension), so the
 * consumer continues the same trace.
 */
public final class TraceContext {

    private final Propagator propagator;

    public TraceContext(Propagator propagator) {
        this.propagator = propagator;
    }

    /** Empty when nothing is being traced (no tracer, or no span in progress). */
    public Mono<Map<String, String>> current() {
        return Mono.deferContextual(context -> {
            Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            Span span = observation == null ? null : spanOf(observation);
            Map<String, String> fields = new LinkedHashMap<>();
            // Not span.isNoop(): an unsampled span records nothing but still has a trace to pass on
            // (the sampled flag off); the propagator writes nothing for an invalid context.
            if (span != null) {
                propagator.inject(span.context(), fields, Map::put);
            }
            return Mono.just(fields);
        });
    }

    private static Span spanOf(Observation observation) {
        TracingObservationHandler.TracingContext tracing = observation.getContextView()
                .get(TracingObservationHandler.TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }
}
