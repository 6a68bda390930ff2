package dev.serverlessapp.deploy;

import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerFilter;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Whether a Trigger lets an event through, by Knative's rules: the {@code filters} dialects
 * (exact, prefix, suffix, all, any, not; every top-level filter must match) and, when a Trigger
 * has no {@code filters}, the older {@code filter.attributes} (exact match, "" matches any value).
 * Attribute names are CloudEvent context attribute and extension names, e.g. {@code type},
 * {@code source}, {@code queue}.
 */
public final class EventFilters {

    private EventFilters() {
    }

    public static boolean matches(Trigger trigger, Map<String, String> attributes) {
        List<SubscriptionsAPIFilter> filters = trigger.getSpec().getFilters();
        if (filters != null && !filters.isEmpty()) {
            return matchesAll(filters, attributes);
        }
        TriggerFilter filter = trigger.getSpec().getFilter();
        if (filter == null || filter.getAttributes() == null) {
            return true;
        }
        return filter.getAttributes().entrySet().stream().allMatch(expected ->
                expected.getValue().isEmpty()
                        ? attributes.containsKey(expected.getKey())
                        : expected.getValue().equals(attributes.get(expected.getKey())));
    }

    public static boolean matchesAll(List<SubscriptionsAPIFilter> filters, Map<String, String> attributes) {
        return filters.stream().allMatch(filter -> matches(filter, attributes));
    }

    /**
     * One filter. Knative allows exactly one dialect per filter; more than one, or CESQL (which
     * needs an expression engine), is refused with a message rather than guessed at.
     */
    public static boolean matches(SubscriptionsAPIFilter filter, Map<String, String> attributes) {
        int dialects = count(filter.getExact()) + count(filter.getPrefix()) + count(filter.getSuffix())
                + count(filter.getAll()) + count(filter.getAny()) + (filter.getNot() == null ? 0 : 1)
                + (filter.getCesql() == null ? 0 : 1);
        if (dialects != 1) {
            throw new IllegalArgumentException("a filter must use exactly one dialect, found " + dialects + ": " + filter);
        }
        if (filter.getCesql() != null) {
            throw new UnsupportedOperationException("cesql filters are not supported: " + filter.getCesql());
        }
        // fabric8 leaves unused dialects as empty maps and lists, so "present" means non-empty.
        if (count(filter.getExact()) == 1) {
            return each(filter.getExact(), attributes, String::equals);
        }
        if (count(filter.getPrefix()) == 1) {
            return each(filter.getPrefix(), attributes, String::startsWith);
        }
        if (count(filter.getSuffix()) == 1) {
            return each(filter.getSuffix(), attributes, String::endsWith);
        }
        if (count(filter.getAll()) == 1) {
            return matchesAll(filter.getAll(), attributes);
        }
        if (count(filter.getAny()) == 1) {
            return filter.getAny().stream().anyMatch(f -> matches(f, attributes));
        }
        return !matches(filter.getNot(), attributes);
    }

    private static boolean each(Map<String, String> expected, Map<String, String> attributes, BiPredicate<String, String> test) {
        return expected.entrySet().stream().allMatch(entry -> {
            String actual = attributes.get(entry.getKey());
            return actual != null && test.test(actual, entry.getValue());
        });
    }

    private static int count(Object dialect) {
        if (dialect instanceof Map<?, ?> map) {
            return map.isEmpty() ? 0 : 1;
        }
        if (dialect instanceof List<?> list) {
            return list.isEmpty() ? 0 : 1;
        }
        return dialect == null ? 0 : 1;
    }
}
