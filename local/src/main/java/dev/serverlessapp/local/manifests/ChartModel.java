package dev.serverlessapp.local.manifests;

import dev.serverlessapp.deploy.TriggerFilter;
import java.util.List;
import java.util.Map;

/**
 * What the local runtime acts on in the rendered chart, as plain values. {@link ChartModelReader} makes it from
 * fabric8's typed models in the render's child JVM; the runtime reads it back as JSON, so that the runtime's own
 * JVM never loads fabric8 and the YAML stack (about 1 200 classes, README "The runtime's own footprint").
 */
public record ChartModel(String namespace, List<Service> services, List<Broker> brokers, List<Trigger> triggers,
                         List<PingSource> pingSources, List<IntegrationSource> integrationSources,
                         List<IntegrationSink> integrationSinks) {

    /**
     * A Knative Service: its container's environment as the kubelet resolves it (with what Serving adds), its
     * readiness probe's path, whether it scales to zero, whether it is reachable from outside the cluster, and
     * its container's memory limit in bytes (null for none).
     */
    public record Service(String name, Map<String, String> env, String readinessPath, boolean scaleToZero,
                          boolean external, Long memoryLimit) {
    }

    /** A Knative Destination: a reference ({@code kind} and {@code name}) and/or a URI (a path, with a reference). */
    public record Destination(String kind, String name, String uri) {
    }

    /** A Knative delivery spec, as written (durations as ISO-8601 text). */
    public record Delivery(Integer retry, String backoffPolicy, String backoffDelay, String timeout,
                           Destination deadLetterSink) {
    }

    public record Broker(String name, Delivery delivery) {
    }

    public record Trigger(String name, String broker, TriggerFilter filter, Destination subscriber, Delivery delivery) {
    }

    /** A PingSource's spec: its schedule, the event's data and CloudEvent extensions, and its sink. */
    public record PingSource(String name, String schedule, String timezone, String contentType, String data,
                             String dataBase64, Map<String, String> extensions, Destination sink) {
    }

    /** An IntegrationSource: the SQS queue it reads (null for another kind of source) and its sink. */
    public record IntegrationSource(String name, String sqsQueue, Integer maxMessagesPerPoll, Destination sink) {
    }

    /** An IntegrationSink: the SQS queue it writes (null for another kind of sink). */
    public record IntegrationSink(String name, String sqsQueue) {
    }
}
