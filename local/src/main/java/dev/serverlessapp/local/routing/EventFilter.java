package dev.serverlessapp.local.routing;

import dev.serverlessapp.deploy.EventAttributes;
import dev.serverlessapp.deploy.EventFilters;
import dev.serverlessapp.deploy.TriggerFilter;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventAttributes;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Trigger's filter over CloudEvents: Knative's rules as the deploy module models them
 * ({@link EventFilters}, which the chart checks use too), applied to the event's attributes as the
 * broker's filter sees them.
 */
public final class EventFilter {

    private EventFilter() {
    }

    /** Builds the Trigger's predicate; refuses, with a message, what {@link EventFilters} refuses (e.g. cesql). */
    public static Predicate<CloudEvent> of(String trigger, TriggerFilter spec) {
        Predicate<EventAttributes> filter = EventFilters.of(trigger, spec);
        return event -> filter.test(attributes(event));
    }

    /** The event's context attributes and extensions, as strings (extensions as they travel over HTTP). */
    static EventAttributes attributes(CloudEvent event) {
        Map<String, String> context = new LinkedHashMap<>();
        for (String name : event.getSpecVersion().getAllAttributes()) {
            Object value = name.equals("specversion") ? event.getSpecVersion().toString() : attribute(event, name);
            if (value != null) {
                context.put(name, value instanceof OffsetDateTime time ? EventAttributes.time(time) : value.toString());
            }
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        for (String name : event.getExtensionNames()) {
            extensions.put(name, Attributes.get(event, name));
        }
        return new EventAttributes(context, extensions);
    }

    private static Object attribute(CloudEventAttributes event, String name) {
        Object value = event.getAttribute(name);
        return value instanceof URI uri ? uri.toString() : value;
    }
}
