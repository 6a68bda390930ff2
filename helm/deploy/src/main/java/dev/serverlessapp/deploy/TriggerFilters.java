package dev.serverlessapp.deploy;

import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import java.util.List;

/** A fabric8 Trigger's filtering as a {@link TriggerFilter}, and whether it lets an event through. */
public final class TriggerFilters {

    private TriggerFilters() {
    }

    public static TriggerFilter of(TriggerSpec spec) {
        return new TriggerFilter(spec.getFilter() == null ? null : spec.getFilter().getAttributes(), filters(spec.getFilters()));
    }

    public static boolean matches(Trigger trigger, EventAttributes event) {
        return EventFilters.of(trigger.getMetadata().getName(), of(trigger.getSpec())).test(event);
    }

    private static List<TriggerFilter.Filter> filters(List<SubscriptionsAPIFilter> filters) {
        return filters == null ? null : filters.stream().map(TriggerFilters::filter).toList();
    }

    private static TriggerFilter.Filter filter(SubscriptionsAPIFilter filter) {
        return filter == null ? null : new TriggerFilter.Filter(filter.getExact(), filter.getPrefix(), filter.getSuffix(),
                filters(filter.getAll()), filters(filter.getAny()), filter(filter.getNot()), filter.getCesql());
    }
}
