package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.deploy.EventFilters;
import dev.serverlessapp.deploy.TriggerFilter;
import dev.serverlessapp.deploy.TriggerFilters;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.knative.eventing.v1.TriggerSpecBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local broker applies the deploy module's model of Knative's filters (EventFiltersTest has its
 * rules); what is tested here is how a CloudEvent's attributes reach it.
 */
class EventFilterTest {

    private static final CloudEvent EVENT = CloudEventBuilder.v1().withId("1").withType("dev.knative.eventing.aws-sqs")
            .withSource(URI.create("dev.knative.eventing.aws-sqs-source"))
            .withTime(OffsetDateTime.parse("2026-12-02T10:15:30.500+00:00"))
            .withDataSchema(URI.create("https://example.com/welcome.json"))
            .withData("application/json; charset=utf-8", "{}".getBytes())
            .withExtension("shard", 7).build();

    @Test
    void contextAttributesExtensionsAndAliasesReachTheFilter() {
        assertThat(EventFilter.of("t", exact(Map.of("source", "dev.knative.eventing.aws-sqs-source", "specversion", "1.0"))))
                .accepts(EVENT);
        assertThat(EventFilter.of("t", exact(Map.of("shard", "7")))).as("extensions as strings").accepts(EVENT);
        assertThat(EventFilter.of("t", exact(Map.of("time", "2026-12-02T10:15:30.5Z")))).as("time as Go writes it").accepts(EVENT);
        assertThat(EventFilter.of("t", exact(Map.of("schemaurl", "https://example.com/welcome.json")))).accepts(EVENT);
        assertThat(EventFilter.of("t", exact(Map.of("datamediatype", "application/json")))).accepts(EVENT);
        assertThat(EventFilter.of("t", exact(Map.of("subject", "x")))).as("an absent subject is empty").rejects(EVENT);
    }

    @Test
    void whatTheModelRefusesIsRefusedBeforeAnyEvent() {
        TriggerSpec spec = new TriggerSpecBuilder().withFilters(new SubscriptionsAPIFilterBuilder().withCesql("type = 'x'").build()).build();
        assertThatThrownBy(() -> EventFilter.of("email-worker", TriggerFilters.of(spec)))
                .isInstanceOf(EventFilters.UnsupportedFilterException.class).hasMessageContaining("email-worker");
    }

    private static TriggerFilter exact(Map<String, String> attributes) {
        return TriggerFilters.of(new TriggerSpecBuilder().withFilters(new SubscriptionsAPIFilterBuilder().withExact(attributes).build()).build());
    }
}
