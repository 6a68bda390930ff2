package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.knative.eventing.v1.TriggerSpecBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    private static final CloudEvent EMAIL = CloudEventBuilder.v1().withId("1").withType("dev.knative.eventing.aws-sqs")
            .withSource(URI.create("dev.knative.eventing.aws-sqs-source")).withExtension("queue", "email").build();
    private static final CloudEvent PING = CloudEventBuilder.v1().withId("2").withType("dev.knative.sources.ping")
            .withSource(URI.create("/apis/v1/namespaces/ns/pingsources/hourly")).build();

    @Test
    void exactMatchesEveryAttributeAndExtension() {
        TriggerSpec spec = filters(exact(Map.of("type", "dev.knative.eventing.aws-sqs", "queue", "email")));
        assertThat(EventFilter.of("t", spec)).accepts(EMAIL).rejects(PING);
    }

    @Test
    void exactRejectsAnEventWithoutTheAttribute() {
        assertThat(EventFilter.of("t", filters(exact(Map.of("queue", "email"))))).rejects(PING);
    }

    @Test
    void prefixAndSuffixCompareTheStart_andTheEnd() {
        assertThat(EventFilter.of("t", filters(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("type", "dev.knative.sources")).build())))
                .accepts(PING).rejects(EMAIL);
        assertThat(EventFilter.of("t", filters(new SubscriptionsAPIFilterBuilder().withSuffix(Map.of("source", "/hourly")).build())))
                .accepts(PING).rejects(EMAIL);
    }

    @Test
    void allNeedsEveryOne_anyNeedsOne_notInverts() {
        SubscriptionsAPIFilter isPing = exact(Map.of("type", "dev.knative.sources.ping"));
        SubscriptionsAPIFilter isEmail = exact(Map.of("queue", "email"));
        assertThat(EventFilter.of("t", filters(new SubscriptionsAPIFilterBuilder().withAll(isPing, isEmail).build())))
                .rejects(PING, EMAIL);
        assertThat(EventFilter.of("t", filters(new SubscriptionsAPIFilterBuilder().withAny(isPing, isEmail).build())))
                .accepts(PING, EMAIL);
        assertThat(EventFilter.of("t", filters(new SubscriptionsAPIFilterBuilder().withNot(isPing).build())))
                .accepts(EMAIL).rejects(PING);
    }

    @Test
    void severalFiltersMustAllMatch() {
        TriggerSpec spec = new TriggerSpecBuilder().withFilters(List.of(exact(Map.of("type", "dev.knative.eventing.aws-sqs")),
                exact(Map.of("queue", "uploads")))).build();
        assertThat(EventFilter.of("t", spec)).rejects(EMAIL);
    }

    @Test
    void filtersWinOverTheOldAttributesFilter() {
        TriggerSpec spec = new TriggerSpecBuilder().withNewFilter().withAttributes(Map.of("type", "dev.knative.sources.ping"))
                .endFilter().withFilters(exact(Map.of("queue", "email"))).build();
        assertThat(EventFilter.of("t", spec)).accepts(EMAIL).rejects(PING);
    }

    @Test
    void attributesFilterTreatsAnEmptyValueAsAny() {
        TriggerSpec spec = new TriggerSpecBuilder().withNewFilter().withAttributes(Map.of("queue", "")).endFilter().build();
        assertThat(EventFilter.of("t", spec)).accepts(EMAIL).rejects(PING);
    }

    @Test
    void noFilterPassesEverything() {
        assertThat(EventFilter.of("t", new TriggerSpec())).accepts(EMAIL, PING);
    }

    @Test
    void cesqlIsRefusedWithWhatToDoInstead() {
        TriggerSpec spec = filters(new SubscriptionsAPIFilterBuilder().withCesql("type = 'x'").build());
        assertThatThrownBy(() -> EventFilter.of("email-worker", spec))
                .isInstanceOf(EventFilter.UnsupportedFilterException.class)
                .hasMessageContaining("email-worker").hasMessageContaining("cesql").hasMessageContaining("exact, prefix");
    }

    private static SubscriptionsAPIFilter exact(Map<String, String> attributes) {
        return new SubscriptionsAPIFilterBuilder().withExact(attributes).build();
    }

    private static TriggerSpec filters(SubscriptionsAPIFilter filter) {
        return new TriggerSpecBuilder().withFilters(filter).build();
    }
}
