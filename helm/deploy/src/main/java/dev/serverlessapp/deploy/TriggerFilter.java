package dev.serverlessapp.deploy;

import java.util.List;
import java.util.Map;

/**
 * A Trigger's filtering as plain values: its {@code filter.attributes} and its {@code filters} (Knative's
 * SubscriptionsAPIFilter), read from fabric8's model by {@link TriggerFilters}. {@link EventFilters} evaluates
 * it. Nothing here names a fabric8 type, so the local runtime reads it without loading fabric8.
 */
public record TriggerFilter(Map<String, String> attributes, List<Filter> filters) {

    /** One SubscriptionsAPIFilter: exactly one dialect should be set. */
    public record Filter(Map<String, String> exact, Map<String, String> prefix, Map<String, String> suffix,
                         List<Filter> all, List<Filter> any, Filter not, String cesql) {
    }
}
