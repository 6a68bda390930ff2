package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilter;
import io.fabric8.knative.eventing.v1.SubscriptionsAPIFilterBuilder;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.knative.eventing.v1.TriggerSpecBuilder;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Knative's filter rules, each case as knative/eventing's pkg/eventfilter decides it. */
class EventFiltersTest {

    private static final EventAttributes SQS = event(Map.of("specversion", "1.0", "type", "dev.knative.eventing.aws-sqs",
            "source", "dev.knative.eventing.aws-sqs-source", "subject", "aws-sqs-source"), Map.of("shard", "7"));
    private static final EventAttributes PING = event(Map.of("specversion", "1.0", "type", "dev.knative.sources.ping",
            "source", "/apis/v1/namespaces/ns/pingsources/hourly"), Map.of());

    @Test
    void exactNeedsEveryAttributeAndExtensionEqual() {
        assertThat(filters(exact("type", "dev.knative.eventing.aws-sqs", "shard", "7"))).accepts(SQS).rejects(PING);
        assertThat(filters(exact("type", "dev.knative.eventing.aws-sqs", "shard", "8"))).rejects(SQS);
        assertThat(filters(exact("shard", "7"))).as("an extension the event lacks fails").rejects(PING);
        assertThat(filters(exact("subject", "aws-sqs-source"))).as("a context attribute it lacks is empty").rejects(PING);
    }

    @Test
    void prefixAndSuffixCompareTheStartAndTheEnd() {
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("type", "dev.knative.sources")).build()))
                .accepts(PING).rejects(SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withSuffix(Map.of("source", "/hourly")).build()))
                .accepts(PING).rejects(SQS);
    }

    @Test
    void allNeedsEveryOneAnyNeedsOneNotInverts() {
        SubscriptionsAPIFilter isPing = exact("type", "dev.knative.sources.ping");
        SubscriptionsAPIFilter isShard7 = exact("shard", "7");
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAll(isPing, isShard7).build())).rejects(PING, SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAny(isPing, isShard7).build())).accepts(PING, SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withNot(isPing).build())).accepts(SQS).rejects(PING);
    }

    @Test
    void aTriggerNeedsAllItsFiltersAndTheyWinOverTheOldAttributesFilter() {
        assertThat(of("t", new TriggerSpecBuilder()
                .withFilters(exact("type", "dev.knative.eventing.aws-sqs"), exact("shard", "8")).build())).rejects(SQS);
        assertThat(of("t", new TriggerSpecBuilder().withNewFilter().withAttributes(Map.of("type", "dev.knative.sources.ping"))
                .endFilter().withFilters(exact("shard", "7")).build())).accepts(SQS).rejects(PING);
        assertThat(of("t", new TriggerSpec())).as("no filter at all").accepts(SQS, PING);
    }

    @Test
    void theOldAttributesFilterTakesAnEmptyValueAsThereAndNotEmpty() {
        Predicate<EventAttributes> anyShard = attributes(Map.of("shard", ""));
        assertThat(anyShard).accepts(SQS).rejects(PING)
                .as("present but empty is not enough").rejects(event(Map.of("type", "x"), Map.of("shard", "")));
        assertThat(attributes(Map.of("subject", ""))).accepts(SQS).as("a context attribute the event lacks").rejects(PING);
        assertThat(attributes(Map.of("type", "dev.knative.sources.ping", "source", ""))).accepts(PING).rejects(SQS);
    }

    @Test
    void aFilterKnativeCannotBuildIsSkippedAndLetsEverythingThrough() {
        SubscriptionsAPIFilter empty = new SubscriptionsAPIFilter();
        assertThat(filters(empty)).as("no dialect").accepts(SQS, PING);
        assertThat(filters(exact("shard", ""))).as("an empty value, even for an attribute the event lacks").accepts(PING);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("type", "")).build())).accepts(SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withNot(empty).build())).as("not of nothing is nothing").accepts(SQS);
        assertThat(of("t", new TriggerSpecBuilder().withFilters(empty, exact("type", "dev.knative.sources.ping")).build()))
                .as("the others still apply").accepts(PING).rejects(SQS);
    }

    @Test
    void anyAndAllAnswerWhatTheirLastMemberAnsweredWhenNoneDecided() {
        // A skipped filter is dropped from its list; a `not` of one answers "no filter" and stays.
        SubscriptionsAPIFilter undecided = new SubscriptionsAPIFilterBuilder().withNot(new SubscriptionsAPIFilter()).build();
        SubscriptionsAPIFilter isPing = exact("type", "dev.knative.sources.ping");
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAny(isPing, undecided).build())).accepts(SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAny(undecided, isPing).build())).rejects(SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAny(isPing, new SubscriptionsAPIFilter()).build()))
                .as("a skipped member is gone: any of isPing alone").rejects(SQS);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withAll(undecided, isPing).build())).rejects(SQS).accepts(PING);
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withNot(new SubscriptionsAPIFilterBuilder()
                .withAll(new SubscriptionsAPIFilter()).build()).build())).as("not of an all of nothing").accepts(SQS, PING);
    }

    @Test
    void schemaurlIsDataschemaAndDatamediatypeIsTheContentTypeUpToItsParameters() {
        EventAttributes json = event(Map.of("type", "t", "dataschema", "https://example.com/user.json",
                "datacontenttype", "application/json ; charset=utf-8"), Map.of());

        assertThat(filters(exact("schemaurl", "https://example.com/user.json"))).accepts(json);
        assertThat(filters(exact("dataschema", "https://example.com/user.json"))).accepts(json);
        assertThat(filters(exact("datamediatype", "application/json"))).accepts(json);
        assertThat(filters(exact("datacontenttype", "application/json"))).rejects(json);
        assertThat(filters(exact("datamediatype", "text/plain"))).accepts(event(Map.of("datacontenttype", "text/plain"), Map.of()));
        assertThat(attributes(Map.of("schemaurl", ""))).accepts(json).rejects(PING);
        assertThat(attributes(Map.of("datacontentencoding", ""))).as("always empty in CloudEvents 1.0").rejects(json);
    }

    @Test
    void timeIsComparedAsGoWritesIt() {
        assertThat(EventAttributes.time(OffsetDateTime.parse("2026-12-02T10:15:30.500+00:00"))).isEqualTo("2026-12-02T10:15:30.5Z");
        assertThat(EventAttributes.time(OffsetDateTime.parse("2026-12-02T10:15:00+01:00"))).isEqualTo("2026-12-02T10:15:00+01:00");
        assertThat(filters(new SubscriptionsAPIFilterBuilder().withPrefix(Map.of("time", "0001-01-01T")).build()))
                .as("an event without a time has Go's zero time").accepts(PING);
    }

    @Test
    void cesqlAndMixedDialectsAreRefusedWithTheTriggersName() {
        assertThatThrownBy(() -> of("email-worker", spec(new SubscriptionsAPIFilterBuilder().withCesql("type = 'x'").build())))
                .isInstanceOf(EventFilters.UnsupportedFilterException.class)
                .hasMessageContaining("email-worker").hasMessageContaining("cesql").hasMessageContaining("exact, prefix");
        assertThatThrownBy(() -> of("email-worker", spec(new SubscriptionsAPIFilterBuilder()
                .withAll(new SubscriptionsAPIFilterBuilder().withExact(Map.of("type", "x")).withPrefix(Map.of("type", "d")).build()).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email-worker").hasMessageContaining("exactly one dialect");
    }

    private static EventAttributes event(Map<String, String> context, Map<String, String> extensions) {
        return new EventAttributes(context, extensions);
    }

    private static Predicate<EventAttributes> filters(SubscriptionsAPIFilter filter) {
        return of("t", spec(filter));
    }

    private static Predicate<EventAttributes> attributes(Map<String, String> attributes) {
        return of("t", new TriggerSpecBuilder().withNewFilter().withAttributes(attributes).endFilter().build());
    }

    /** Through {@link TriggerFilters}, as the chart checks and the local runtime read a Trigger. */
    private static Predicate<EventAttributes> of(String trigger, TriggerSpec spec) {
        return EventFilters.of(trigger, TriggerFilters.of(spec));
    }

    private static TriggerSpec spec(SubscriptionsAPIFilter filter) {
        return new TriggerSpecBuilder().withFilters(List.of(filter)).build();
    }

    private static SubscriptionsAPIFilter exact(String... keyValues) {
        Map<String, String> exact = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            exact.put(keyValues[i], keyValues[i + 1]);
        }
        return new SubscriptionsAPIFilterBuilder().withExact(exact).build();
    }
}
