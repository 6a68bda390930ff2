package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFiltersTest {

    private static final Map<String, String> EMAIL = Map.of(
            "type", "dev.knative.eventing.aws-sqs", "source", "dev.knative.eventing.aws-sqs-source", "queue", "email");

    @Test
    void exactNeedsEveryAttributeEqual() {
        assertThat(EventFilters.matches(exact("type", "dev.knative.eventing.aws-sqs", "queue", "email"), EMAIL)).isTrue();
        assertThat(EventFilters.matches(exact("type", "dev.knative.eventing.aws-sqs", "queue", "uploads"), EMAIL)).isFalse();
        assertThat(EventFilters.matches(exact("subject", "x"), EMAIL)).as("a missing attribute never matches").isFalse();
    }

    @Test
    void prefixAndSuffixCompareTheStartAndTheEnd() {
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("type", "dev.knative.")).build(), EMAIL)).isTrue();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withSuffix(Map.of("source", "-source")).build(), EMAIL)).isTrue();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withSuffix(Map.of("type", ".ping")).build(), EMAIL)).isFalse();
    }

    @Test
    void allAnyAndNotCombineFilters() {
        SubscriptionsAPIFilter email = exact("queue", "email");
        SubscriptionsAPIFilter uploads = exact("queue", "uploads");

        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withAll(email, exact("type", "dev.knative.eventing.aws-sqs")).build(), EMAIL)).isTrue();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withAll(email, uploads).build(), EMAIL)).isFalse();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withAny(uploads, email).build(), EMAIL)).isTrue();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withNot(uploads).build(), EMAIL)).isTrue();
        assertThat(EventFilters.matches(new SubscriptionsAPIFilterBuilder().withNot(email).build(), EMAIL)).isFalse();
    }

    @Test
    void triggerNeedsAllItsFiltersAndFallsBackToAttributeFilter() {
        Trigger both = trigger().withFilters(exact("type", "dev.knative.eventing.aws-sqs"), exact("queue", "uploads")).endSpec().build();
        Trigger legacy = trigger().withNewFilter().withAttributes(Map.of("type", "dev.knative.eventing.aws-sqs", "queue", "")).endFilter().endSpec().build();
        Trigger everything = trigger().endSpec().build();

        assertThat(EventFilters.matches(both, EMAIL)).isFalse();
        assertThat(EventFilters.matches(legacy, EMAIL)).as("empty value = any value").isTrue();
        assertThat(EventFilters.matches(legacy, Map.of("type", "dev.knative.eventing.aws-sqs"))).isFalse();
        assertThat(EventFilters.matches(everything, EMAIL)).isTrue();
    }

    @Test
    void cesqlAndMixedDialectsAreRefusedNotGuessed() {
        assertThatThrownBy(() -> EventFilters.matches(new SubscriptionsAPIFilterBuilder().withCesql("queue = 'email'").build(), EMAIL))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cesql");
        assertThatThrownBy(() -> EventFilters.matches(new SubscriptionsAPIFilterBuilder()
                .withExact(Map.of("queue", "email")).withPrefix(Map.of("type", "dev")).build(), EMAIL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one dialect");
    }

    private static SubscriptionsAPIFilter exact(String... keyValues) {
        Map<String, String> exact = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            exact.put(keyValues[i], keyValues[i + 1]);
        }
        return new SubscriptionsAPIFilterBuilder().withExact(exact).build();
    }

    private static io.fabric8.knative.eventing.v1.TriggerFluent<TriggerBuilder>.SpecNested<TriggerBuilder> trigger() {
        return new TriggerBuilder().withNewMetadata().withName("t").endMetadata().withNewSpec().withBroker("b");
    }
}
