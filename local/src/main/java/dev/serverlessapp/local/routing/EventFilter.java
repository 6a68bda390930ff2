package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A Trigger's filter, as Knative Eventing evaluates it: the {@code filters} dialects when present
 * (the new API wins over the old one), otherwise {@code filter.attributes}.
 */
public final class EventFilter {

    private EventFilter() {
    }

    /** Builds the trigger's predicate; refuses {@code cesql}, which this runtime does not evaluate. */
    public static Predicate<CloudEvent> of(String trigger, TriggerSpec spec) {
        List<SubscriptionsAPIFilter> filters = spec.getFilters();
        if (filters != null && !filters.isEmpty()) {
            List<Predicate<CloudEvent>> all = filters.stream().map(f -> dialect(trigger, f)).toList();
            return event -> all.stream().allMatch(p -> p.test(event));
        }
        Map<String, String> attributes = spec.getFilter() == null ? null : spec.getFilter().getAttributes();
        return attributes == null || attributes.isEmpty() ? event -> true : event -> attributes(attributes, event);
    }

    /** The old filter: every attribute must exist; an empty value matches any value (Knative's "Any"). */
    static boolean attributes(Map<String, String> attributes, CloudEvent event) {
        return attributes.entrySet().stream().allMatch(e -> {
            String value = Attributes.get(event, e.getKey());
            return value != null && (e.getValue().isEmpty() || e.getValue().equals(value));
        });
    }

    static Predicate<CloudEvent> dialect(String trigger, SubscriptionsAPIFilter filter) {
        if (filter.getCesql() != null && !filter.getCesql().isBlank()) {
            throw new UnsupportedFilterException("Trigger " + trigger + " uses a cesql filter (" + filter.getCesql()
                    + "), which the local runtime does not evaluate: express it with exact, prefix, suffix, all, any or not");
        }
        if (filter.getExact() != null && !filter.getExact().isEmpty()) {
            return compare(filter.getExact(), String::equals);
        }
        if (filter.getPrefix() != null && !filter.getPrefix().isEmpty()) {
            return compare(filter.getPrefix(), String::startsWith);
        }
        if (filter.getSuffix() != null && !filter.getSuffix().isEmpty()) {
            return compare(filter.getSuffix(), String::endsWith);
        }
        if (filter.getAll() != null && !filter.getAll().isEmpty()) {
            List<Predicate<CloudEvent>> all = filter.getAll().stream().map(f -> dialect(trigger, f)).toList();
            return event -> all.stream().allMatch(p -> p.test(event));
        }
        if (filter.getAny() != null && !filter.getAny().isEmpty()) {
            List<Predicate<CloudEvent>> any = filter.getAny().stream().map(f -> dialect(trigger, f)).toList();
            return event -> any.stream().anyMatch(p -> p.test(event));
        }
        if (filter.getNot() != null) {
            return dialect(trigger, filter.getNot()).negate();
        }
        // An empty dialect (or an empty all/any) passes, as Knative's empty filter does.
        return event -> true;
    }

    private static Predicate<CloudEvent> compare(Map<String, String> expected, BiPredicate<String, String> test) {
        return event -> expected.entrySet().stream().allMatch(e -> {
            String value = Attributes.get(event, e.getKey());
            return value != null && test.test(value, e.getValue());
        });
    }

    /** A filter this runtime cannot evaluate; the message says what to do instead. */
    public static final class UnsupportedFilterException extends IllegalArgumentException {
        public UnsupportedFilterException(String message) {
            super(message);
        }
    }
}
