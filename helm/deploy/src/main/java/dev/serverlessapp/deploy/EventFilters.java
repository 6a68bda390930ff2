package dev.serverlessapp.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Whether a Trigger lets an event through, as Knative's broker filter decides it: the one model that
 * the chart checks and the local runtime both use. Read from knative/eventing at knative-v1.22.2 (the
 * same in 1.17.6): {@code pkg/broker/filter/filter_handler.go} ({@code filterEvent}),
 * {@code pkg/eventfilter/subscriptionsapi} and {@code pkg/eventfilter/attributes}. It reads a
 * {@link TriggerFilter} ({@link TriggerFilters} makes one from a fabric8 Trigger).
 * <ul>
 *   <li>A Trigger with {@code filters} uses them, and ignores {@code filter}; every one must let the event
 *       through. Without {@code filters}, {@code filter.attributes} does: each attribute must be there and
 *       equal, and {@code ""} means "there and not empty". Without either, everything passes.</li>
 *   <li>{@code exact}, {@code prefix}, {@code suffix} compare every attribute named; an attribute the
 *       event lacks fails. {@code all}, {@code any}, {@code not} combine.</li>
 *   <li>A filter Knative cannot build is skipped, i.e. it lets everything through: one with no dialect
 *       (e.g. {@code {}} or an empty {@code all}), or an {@code exact}/{@code prefix}/{@code suffix} with an
 *       empty value. It is dropped from its list; a {@code not} of it answers "no filter", which lets
 *       everything through too. An {@code all} in which nothing failed, or an {@code any} in which nothing
 *       passed, answers what its last member answered (so "no filter" may end up letting an event through).</li>
 *   <li>Refused, with a message: more than one dialect in one filter (Knative's webhook refuses such a
 *       Trigger) and {@code cesql} (which needs an expression engine this model does not have).</li>
 * </ul>
 */
public final class EventFilters {

    /** A filter's answer: Knative's FilterResult; only {@code FAIL} stops an event. */
    enum Result { PASS, FAIL, NO_FILTER }

    private interface Filter {
        Result apply(EventAttributes event);
    }

    private EventFilters() {
    }

    /**
     * The Trigger's filter. Building it refuses what Knative would not evaluate (see above), so a caller
     * finds out before any event arrives.
     */
    public static Predicate<EventAttributes> of(String trigger, TriggerFilter spec) {
        Filter filter = build(trigger, spec);
        return event -> filter.apply(event) != Result.FAIL;
    }

    private static Filter build(String trigger, TriggerFilter spec) {
        if (spec.filters() != null && !spec.filters().isEmpty()) {
            return all(spec.filters().stream().map(f -> build(trigger, f)).filter(Objects::nonNull).toList());
        }
        if (spec.attributes() == null) {
            return event -> Result.NO_FILTER;
        }
        Map<String, String> attributes = Map.copyOf(spec.attributes());
        return event -> attributes.entrySet().stream().allMatch(expected -> event.lookup(expected.getKey())
                .filter(value -> expected.getValue().isEmpty() ? !value.isEmpty() : expected.getValue().equals(value))
                .isPresent()) ? Result.PASS : Result.FAIL;
    }

    /** One filter of the {@code filters} list; null when Knative would skip it. */
    private static Filter build(String trigger, TriggerFilter.Filter filter) {
        int dialects = count(filter.exact()) + count(filter.prefix()) + count(filter.suffix())
                + count(filter.all()) + count(filter.any()) + count(filter.not()) + count(filter.cesql());
        if (dialects > 1) {
            throw new IllegalArgumentException("Trigger " + trigger + " has a filter with " + dialects
                    + " dialects; Knative allows exactly one dialect per filter: " + filter);
        }
        if (count(filter.cesql()) == 1) {
            throw new UnsupportedFilterException("Trigger " + trigger + " uses a cesql filter (" + filter.cesql()
                    + "), which is not evaluated here: express it with exact, prefix, suffix, all, any or not");
        }
        if (count(filter.exact()) == 1) {
            return compare(filter.exact(), String::equals);
        }
        if (count(filter.prefix()) == 1) {
            return compare(filter.prefix(), String::startsWith);
        }
        if (count(filter.suffix()) == 1) {
            return compare(filter.suffix(), String::endsWith);
        }
        if (count(filter.all()) == 1) {
            return all(filter.all().stream().map(f -> build(trigger, f)).filter(Objects::nonNull).toList());
        }
        if (count(filter.any()) == 1) {
            return any(filter.any().stream().map(f -> build(trigger, f)).filter(Objects::nonNull).toList());
        }
        if (filter.not() != null) {
            Filter inner = build(trigger, filter.not());
            return inner == null ? event -> Result.NO_FILTER : event -> switch (inner.apply(event)) {
                case PASS -> Result.FAIL;
                case FAIL -> Result.PASS;
                case NO_FILTER -> Result.NO_FILTER;
            };
        }
        return null;
    }

    private static Filter compare(Map<String, String> expected, BiPredicate<String, String> test) {
        if (expected.entrySet().stream().anyMatch(e -> e.getKey().isEmpty() || e.getValue() == null || e.getValue().isEmpty())) {
            return null;
        }
        Map<String, String> copy = Map.copyOf(expected);
        return event -> copy.entrySet().stream()
                .allMatch(e -> event.lookup(e.getKey()).filter(value -> test.test(value, e.getValue())).isPresent())
                ? Result.PASS : Result.FAIL;
    }

    /** Knative's allFilter: the first FAIL, else what the last member answered. */
    private static Filter all(List<Filter> filters) {
        return event -> {
            Result result = Result.NO_FILTER;
            for (Filter filter : filters) {
                result = filter.apply(event);
                if (result == Result.FAIL) {
                    return Result.FAIL;
                }
            }
            return result;
        };
    }

    /** Knative's anyFilter: the first PASS, else what the last member answered. */
    private static Filter any(List<Filter> filters) {
        return event -> {
            Result result = Result.NO_FILTER;
            for (Filter filter : filters) {
                result = filter.apply(event);
                if (result == Result.PASS) {
                    return Result.PASS;
                }
            }
            return result;
        };
    }

    // fabric8 leaves unused dialects as empty maps and lists (and the JSON the runtime reads keeps them so), so "present" means non-empty.
    private static int count(Object dialect) {
        return switch (dialect) {
            case null -> 0;
            case Map<?, ?> map -> map.isEmpty() ? 0 : 1;
            case List<?> list -> list.isEmpty() ? 0 : 1;
            case String text -> text.isEmpty() ? 0 : 1;
            default -> 1;
        };
    }

    /** A filter that is valid for Knative but not evaluated here; the message says what to do instead. */
    public static final class UnsupportedFilterException extends IllegalArgumentException {
        public UnsupportedFilterException(String message) {
            super(message);
        }
    }
}
