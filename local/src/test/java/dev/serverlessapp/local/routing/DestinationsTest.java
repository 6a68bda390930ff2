package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.manifests.ChartModel.Destination;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DestinationsTest {

    private final Destinations destinations = new Destinations(Map.of("email-worker", "http://127.0.0.1:4001"),
            broker -> "http://127.0.0.1:5000/ns/" + broker, "http://127.0.0.1:5000", Set.of("dead-letters"));

    @Test
    void aServiceIsItsActivatorWithTheDestinationsPath() {
        assertThat(destinations.resolve(ref("Service", "email-worker", "/events")))
                .isEqualTo(URI.create("http://127.0.0.1:4001/events"));
    }

    @Test
    void aBrokerIsItsIngressPath() {
        assertThat(destinations.resolve(ref("Broker", "uploads", null))).isEqualTo(URI.create("http://127.0.0.1:5000/ns/uploads"));
    }

    @Test
    void anIntegrationSinkIsServedByTheIngress() {
        assertThat(destinations.resolve(ref("IntegrationSink", "dead-letters", null)))
                .isEqualTo(URI.create("http://127.0.0.1:5000/-/sinks/dead-letters"));
    }

    @Test
    void aPlainUriIsItself() {
        assertThat(destinations.resolve(new Destination(null, null, "http://example.test/hook"))).isEqualTo(URI.create("http://example.test/hook"));
    }

    @Test
    void whatTheRuntimeDoesNotRunIsNothing() {
        assertThat(destinations.resolve(ref("Service", "not-in-the-chart", null))).isNull();
        assertThat(destinations.resolve(ref("IntegrationSink", "unknown", null))).isNull();
        assertThat(destinations.resolve(ref("Channel", "email-worker", null))).isNull();
        assertThat(destinations.resolve(null)).isNull();
        assertThat(destinations.resolve(new Destination(null, null, null))).isNull();
    }

    private static Destination ref(String kind, String name, String path) {
        return new Destination(kind, name, path);
    }
}
