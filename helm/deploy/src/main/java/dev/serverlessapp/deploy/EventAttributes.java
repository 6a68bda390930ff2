package dev.serverlessapp.deploy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudEvent's attributes as Knative's Trigger filters look them up ({@code LookupAttribute} in
 * knative/eventing {@code pkg/eventfilter/attributes/filter.go}, the same from 1.17 to 1.22): the
 * context attributes are always there, empty when the event has none; {@code schemaurl} is
 * {@code dataschema}, {@code datamediatype} is {@code datacontenttype} up to its first {@code ;}
 * (trimmed), {@code datacontentencoding} is empty; any other name is an extension, there only when
 * the event has it.
 *
 * @param context    the context attributes the event has, by their CloudEvents 1.0 names ({@code time}
 *                   already as {@link #time(OffsetDateTime)} writes it)
 * @param extensions the extension attributes, as strings (what a broker's filter receives over HTTP)
 */
public record EventAttributes(Map<String, String> context, Map<String, String> extensions) {

    /** What Go writes for an event without a time (the zero time). */
    static final String NO_TIME = "0001-01-01T00:00:00Z";

    public EventAttributes {
        context = Map.copyOf(context);
        extensions = Map.copyOf(extensions);
    }

    /** The attribute named, as the filters compare it; empty when the filters find no such attribute. */
    public Optional<String> lookup(String name) {
        return switch (name) {
            case "specversion", "type", "source", "subject", "id", "dataschema", "datacontenttype" ->
                    Optional.of(context.getOrDefault(name, ""));
            case "time" -> Optional.of(context.getOrDefault("time", NO_TIME));
            case "schemaurl" -> Optional.of(context.getOrDefault("dataschema", ""));
            case "datamediatype" -> Optional.of(mediaType(context.getOrDefault("datacontenttype", "")));
            case "datacontentencoding" -> Optional.of("");
            default -> Optional.ofNullable(extensions.get(name));
        };
    }

    /** A time as Go's RFC 3339 with nanoseconds writes it: no trailing zeros in the fraction, {@code Z} for UTC. */
    public static String time(OffsetDateTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return semicolon < 0 ? contentType : contentType.substring(0, semicolon).trim();
    }
}
