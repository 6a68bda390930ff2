package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/** The brokers built from the real chart: each gets the Triggers that name it, resolved to local URLs. */
class BrokersTest {

    private static ChartModel chart;
    private static final Map<String, String> SERVICES = Map.of("user-api", "http://127.0.0.1:4001",
            "email-worker", "http://127.0.0.1:4002", "file-processor", "http://127.0.0.1:4003",
            "scheduled-tasks", "http://127.0.0.1:4004");

    @TempDir
    Path folder;

    @BeforeAll
    static void render() {
        chart = ChartSource.render(RuntimeOptions.findProjectDir(Path.of("")).resolve("helm/serverless-app"), "serverless-app");
    }

    @Test
    void everyBrokerHasTheTriggersThatNameIt() {
        Map<String, Broker> brokers = Brokers.of(chart, destinations(SERVICES), dispatcher(), deadLetters(), folder);

        assertThat(brokers.keySet()).containsExactlyInAnyOrderElementsOf(
                chart.brokers().stream().map(b -> b.name()).toList());
        int subscriptions = brokers.values().stream().mapToInt(b -> b.subscriptions().size()).sum();
        assertThat(subscriptions).isEqualTo(chart.triggers().size());
        chart.triggers().forEach(t -> assertThat(brokers.get(t.broker()).subscriptions())
                .as(t.name())
                .anySatisfy(s -> assertThat(s.trigger()).isEqualTo(t.name())));
        assertThat(brokers.values()).flatMap(Broker::subscriptions).extracting(Broker.Subscription::subscriber)
                .allSatisfy(uri -> assertThat(SERVICES.values()).anySatisfy(base -> assertThat(uri.toString()).startsWith(base)));
    }

    @Test
    void aTriggerWhoseSubscriberIsNotRunIsRefusedByName() {
        assertThatThrownBy(() -> Brokers.of(chart, destinations(Map.of()), dispatcher(), deadLetters(), folder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageMatching("Trigger (" + String.join("|", chart.triggers().stream().map(t -> t.name()).toList())
                        + ") has a subscriber that is not in the chart: .*");
    }

    private static Destinations destinations(Map<String, String> services) {
        return new Destinations(services, b -> "http://127.0.0.1:5000/serverless-app/" + b, "http://127.0.0.1:5000", Set.of());
    }

    private static Dispatcher dispatcher() {
        return new Dispatcher(HttpClient.create());
    }

    private DeadLetters deadLetters() {
        return new DeadLetters(folder.resolve("dead-letters"), dispatcher());
    }
}
