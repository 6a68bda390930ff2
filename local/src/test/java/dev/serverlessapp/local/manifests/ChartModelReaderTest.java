package dev.serverlessapp.local.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.deploy.EventAttributes;
import dev.serverlessapp.deploy.EventFilters;
import dev.serverlessapp.deploy.Manifests;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Knative's manifests, as fabric8 parses them, read into the plain model the runtime acts on, and its JSON. */
class ChartModelReaderTest {

    private static final String MANIFESTS = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {TABLE: users, REGION: eu-west-1}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: api
              namespace: shop
              labels: {networking.knative.dev/visibility: cluster-local}
            spec:
              template:
                metadata:
                  annotations: {autoscaling.knative.dev/min-scale: "1"}
                spec:
                  containers:
                    - image: api
                      envFrom:
                        - configMapRef: {name: settings}
                          prefix: APP_
                      env:
                        - {name: MODE, value: live}
                        - name: REGION
                          valueFrom: {configMapKeyRef: {name: settings, key: REGION}}
                        - name: MISSING
                          valueFrom: {secretKeyRef: {name: not-rendered, key: x}}
                        - name: NAMESPACE
                          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                      readinessProbe:
                        httpGet: {path: /ready, port: 8080}
                      resources:
                        limits: {memory: 512Mi}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: worker, namespace: shop}
            spec:
              template:
                spec:
                  containers:
                    - image: worker
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: events, namespace: shop}
            spec:
              delivery: {retry: 5, backoffPolicy: exponential, backoffDelay: PT0.5S, timeout: PT30S,
                         deadLetterSink: {ref: {apiVersion: sinks.knative.dev/v1alpha1, kind: IntegrationSink, name: dlq}}}
            ---
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: to-worker, namespace: shop}
            spec:
              broker: events
              filters:
                - any:
                    - exact: {type: welcome}
                    - not: {prefix: {source: /internal}}
              subscriber:
                ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: worker}
                uri: /events
            ---
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: hourly, namespace: shop}
            spec:
              schedule: "0 * * * *"
              timezone: Europe/Berlin
              contentType: application/json
              data: '{"job":"hourly"}'
              ceOverrides: {extensions: {job: hourly}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: events}}
            ---
            apiVersion: sources.knative.dev/v1alpha1
            kind: IntegrationSource
            metadata: {name: email, namespace: shop}
            spec:
              aws:
                sqs: {queueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/email", arn: "arn:aws:sqs:eu-west-1:123456789012:other", maxMessagesPerPoll: 5}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: events}}
            ---
            apiVersion: sources.knative.dev/v1alpha1
            kind: IntegrationSource
            metadata: {name: timer, namespace: shop}
            spec:
              timer: {period: 1000}
              sink: {uri: "http://example.test/"}
            ---
            apiVersion: sinks.knative.dev/v1alpha1
            kind: IntegrationSink
            metadata: {name: dlq, namespace: shop}
            spec:
              aws:
                sqs: {arn: "arn:aws:sqs:eu-west-1:123456789012:dead-letters"}
            """;

    private final ChartModel chart = ChartModelReader.read(Manifests.parse(MANIFESTS).all());

    @Test
    void aServicesContainerBecomesItsEnvironmentProbeScaleVisibilityAndMemory() {
        ChartModel.Service api = chart.services().getFirst();
        assertThat(chart.namespace()).isEqualTo("shop");
        assertThat(api.name()).isEqualTo("api");
        assertThat(api.env()).containsEntry("K_SERVICE", "api").containsEntry("K_REVISION", "api-local")
                .containsEntry("APP_TABLE", "users").containsEntry("MODE", "live").containsEntry("REGION", "eu-west-1")
                .containsEntry("NAMESPACE", "shop")
                .doesNotContainKey("MISSING");
        assertThat(api.readinessPath()).isEqualTo("/ready");
        assertThat(api.scaleToZero()).isFalse();
        assertThat(api.external()).isFalse();
        assertThat(api.memoryLimit()).isEqualTo(512L * 1024 * 1024);

        ChartModel.Service worker = chart.services().get(1);
        assertThat(worker.readinessPath()).isEqualTo("/actuator/health/readiness");
        assertThat(worker.scaleToZero()).isTrue();
        assertThat(worker.external()).isTrue();
        assertThat(worker.memoryLimit()).isNull();
    }

    @Test
    void routingKeepsDestinationsDeliveryAndFilters() {
        assertThat(chart.brokers()).containsExactly(new ChartModel.Broker("events", new ChartModel.Delivery(5, "exponential",
                "PT0.5S", "PT30S", new ChartModel.Destination("IntegrationSink", "dlq", null))));
        ChartModel.Trigger trigger = chart.triggers().getFirst();
        assertThat(trigger.broker()).isEqualTo("events");
        assertThat(trigger.subscriber()).isEqualTo(new ChartModel.Destination("Service", "worker", "/events"));
        assertThat(trigger.delivery()).isNull();
        var filter = EventFilters.of(trigger.name(), trigger.filter());
        assertThat(filter).accepts(event("welcome", "/internal/x"), event("other", "/public"))
                .rejects(event("other", "/internal/x"));
    }

    @Test
    void sourcesAndSinksNameTheirQueues() {
        assertThat(chart.pingSources()).containsExactly(new ChartModel.PingSource("hourly", "0 * * * *", "Europe/Berlin",
                "application/json", "{\"job\":\"hourly\"}", null, Map.of("job", "hourly"),
                new ChartModel.Destination("Broker", "events", null)));
        assertThat(chart.integrationSources()).containsExactly(
                new ChartModel.IntegrationSource("email", "email", 5, new ChartModel.Destination("Broker", "events", null)),
                new ChartModel.IntegrationSource("timer", null, null, new ChartModel.Destination(null, null, "http://example.test/")));
        assertThat(chart.integrationSinks()).as("without a URL, the ARN names the queue")
                .containsExactly(new ChartModel.IntegrationSink("dlq", "dead-letters"));
    }

    @Test
    void theJsonTheChildHandsBackReadsIntoTheSameModel() {
        String json = ChartSource.json(MANIFESTS);

        assertThat(json).doesNotContain("io.fabric8");
        assertThat(ChartSource.read(json)).isEqualTo(chart);
    }

    private static EventAttributes event(String type, String source) {
        return new EventAttributes(Map.of("specversion", "1.0", "id", "1", "type", type, "source", source), Map.of());
    }
}
