package dev.serverlessapp.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.routing.EventFilter;
import dev.serverlessapp.local.sources.SqsSource;
import io.cloudevents.CloudEvent;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(chart.services()).extracting(s -> s.name())
                .contains("user-api", "email-worker", "file-processor", "scheduled-tasks");
        assertThat(chart.brokers()).hasSize(3);
        assertThat(chart.triggers()).isNotEmpty();
        assertThat(chart.pingSources()).extracting(p -> p.name()).contains("hourly");
        assertThat(chart.integrationSources()).allSatisfy(s -> assertThat(s.sqsQueue()).startsWith("serverless-app-"));
    }

    @Test
    void eachQueuesEventsReachTheirFunctionThroughTheQueuesOwnBroker() {
        // The connector's events are alike for both queues: the Broker they enter tells them apart.
        CloudEvent sqsEvent = SqsSource.event("{}");
        for (String function : List.of("email-worker", "file-processor")) {
            ChartModel.Trigger trigger = chart.triggers().stream()
                    .filter(t -> function.equals(t.subscriber().name())).findFirst().orElseThrow();
            assertThat(EventFilter.of(function, trigger.filter())).accepts(sqsEvent);
            assertThat(chart.integrationSources()).as(function)
                    .filteredOn(s -> s.sink().name().equals(trigger.broker())).singleElement()
                    .satisfies(s -> assertThat(s.sink().kind()).isEqualTo("Broker"));
        }
    }

    @Test
    void aFunctionsEnvironmentComesFromItsService() {
        var scheduledTasks = chart.services().stream()
                .filter(s -> s.name().equals("scheduled-tasks")).findFirst().orElseThrow();
        assertThat(scheduledTasks.env()).containsKeys("S3_BUCKET", "EMAIL_QUEUE_URL", "DYNAMODB_TABLE")
                .containsEntry("K_SERVICE", "scheduled-tasks");
    }
}
