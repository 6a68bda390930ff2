package dev.serverlessapp.local.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartSource;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sources the real chart declares, as the runtime reads them. */
class EventSourcesTest {

    private static ChartModel chart;

    @BeforeAll
    static void render() {
        chart = ChartSource.render(RuntimeOptions.findProjectDir(Path.of("")).resolve("helm/serverless-app"), "serverless-app");
    }

    @Test
    void theBucketsNotificationsGoToTheQueueWhoseBrokerFeedsFileProcessor() {
        assertThat(EventSources.uploadsQueue(chart)).contains("serverless-app-uploads");
    }

    @Test
    void eachSqsSourceReadsItsQueueIntoItsSinkInTheChartsBatches() {
        Map<String, String> queues = Map.of("serverless-app-email", "http://sqs.local/1/serverless-app-email",
                "serverless-app-uploads", "http://sqs.local/1/serverless-app-uploads");

        List<SqsSource.Settings> sources = EventSources.sqsSources(chart, queues,
                sink -> URI.create("http://ingress.local/" + sink.kind() + "/" + sink.name()));

        assertThat(sources).hasSize(chart.integrationSources().size());
        assertThat(sources).extracting(SqsSource.Settings::queueUrl).containsExactlyInAnyOrderElementsOf(queues.values());
        assertThat(sources).allSatisfy(s -> {
            assertThat(s.sink().getPath()).startsWith("/Broker/");
            assertThat(s.maxMessages()).isBetween(1, 10);
        });
        assertThat(sources).extracting(SqsSource.Settings::maxMessages).contains(
                chart.integrationSources().getFirst().maxMessagesPerPoll());
    }
}
