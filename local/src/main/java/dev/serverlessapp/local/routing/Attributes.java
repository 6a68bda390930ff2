package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventAttributes;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** CloudEvent attributes and extensions as the strings filters and headers compare. */
public final class Attributes {

    private Attributes() {
    }

    /** The attribute or extension named, as a string; null when the event has none. */
    public static String get(CloudEvent event, String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        Object value = event.getSpecVersion().getAllAttributes().contains(lower) ? attribute(event, lower) : event.getExtension(lower);
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (value instanceof byte[] bytes) {
            return java.util.Base64.getEncoder().encodeToString(bytes);
        }
        return value.toString();
    }

    private static Object attribute(CloudEventAttributes event, String name) {
        return switch (name) {
            case "specversion" -> event.getSpecVersion().toString();
            default -> event.getAttribute(name);
        };
    }
}
