package dev.serverlessapp.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.functions.ServiceEnvironment;
import dev.serverlessapp.local.routing.EventFilter;
import dev.serverlessapp.local.sources.SqsSource;
import io.cloudevents.CloudEvent;
import io.fabric8.knative.eventing.v1.Trigger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routing the runtime takes from the real chart, rendered as README's command renders it. */
class ChartSourceTest {

    private static ChartModel chart;

    @BeforeAll
    static void render() {
        Path project = RuntimeOptions.findProjectDir(Path.of(""));
        chart = ChartSource.render(project.resolve("helm/serverless-app"), "serverless-app");
    }

    @Test
    void everyFunctionBrokerTriggerAndSourceIsRead() {
        assertThat(chart.services()).extracting(s -> s.getMetadata().getName())
                .contains("user-api", "email-worker", "file-processor", "scheduled-tasks");
        assertThat(chart.brokers()).hasSize(3);
        assertThat(chart.triggers()).isNotEmpty();
        assertThat(chart.pingSources()).extracting(p -> p.getMetadata().getName()).contains("hourly");
        assertThat(chart.integrationSources()).allSatisfy(s -> assertThat(s.getSpec().getAws().getSqs()).isNotNull());
    }

    @Test
    void eachQueuesEventsReachTheirFunctionThroughTheQueuesOwnBroker() {
        // The connector's events are alike for both queues: the Broker they enter tells them apart.
        CloudEvent sqsEvent = SqsSource.event("{}");
        for (String function : List.of("email-worker", "file-processor")) {
            Trigger trigger = chart.triggers().stream()
                    .filter(t -> function.equals(t.getSpec().getSubscriber().getRef().getName())).findFirst().orElseThrow();
            assertThat(EventFilter.of(function, trigger.getSpec())).accepts(sqsEvent);
            assertThat(chart.integrationSources()).as(function)
                    .filteredOn(s -> s.getSpec().getSink().getRef().getName().equals(trigger.getSpec().getBroker()))
                    .singleElement().extracting(s -> s.getSpec().getCeOverrides()).isNull();
        }
    }

    @Test
    void aFunctionsEnvironmentComesFromItsService() {
        var scheduledTasks = chart.services().stream()
                .filter(s -> s.getMetadata().getName().equals("scheduled-tasks")).findFirst().orElseThrow();
        Map<String, String> env = ServiceEnvironment.of(scheduledTasks, chart);
        assertThat(env).containsKeys("S3_BUCKET", "EMAIL_QUEUE_URL", "DYNAMODB_TABLE")
                .containsEntry("K_SERVICE", "scheduled-tasks");
    }
}
