package dev.serverlessapp.support.observability;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.WebFilter;

/** Metrics, traces and log fields for CloudEvent handling, shared by every function. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration"})
public class ObservabilityConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventObservation eventObservation(ObjectProvider<ObservationRegistry> registry) {
        return new EventObservation(registry.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * {@code CloudEventRoutes.route(...)} is a static factory every function already calls; it finds
     * the observation in the Reactor context, the way Spring Security passes its security context.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebFilter eventObservationContext(EventObservation observation) {
        return (exchange, chain) -> chain.filter(exchange)
                .contextWrite(context -> context.put(EventObservation.class, observation));
    }

    @Bean
    EventLogFields eventLogFields() {
        return new EventLogFields();
    }

    /** With tracing switched off there is no propagator, and messages carry no trace context. */
    @Bean
    @ConditionalOnMissingBean
    TraceContext traceContext(ObjectProvider<Propagator> propagator) {
        return new TraceContext(propagator.getIfAvailable(() -> Propagator.NOOP));
    }
}
