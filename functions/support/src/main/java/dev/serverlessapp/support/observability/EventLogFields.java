package dev.serverlessapp.support.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.slf4j.MDC;

/**
 * Puts the CloudEvent id on every log line written while an event is handled, next to the trace id
 * that the tracing bridge puts there. The observation's scope follows the handling across threads
 * (Reactor's automatic context propagation), so the MDC does too.
 */
public class EventLogFields implements ObservationHandler<Observation.Context> {

    public static final String EVENT_ID = "cloudevents.event_id";

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof EventObservation.HasEvent;
    }

    @Override
    public void onScopeOpened(Observation.Context context) {
        var event = ((EventObservation.HasEvent) context).event();
        if (event != null) {
            MDC.put(EVENT_ID, event.getId());
        }
    }

    @Override
    public void onScopeClosed(Observation.Context context) {
        MDC.remove(EVENT_ID);
    }
}
