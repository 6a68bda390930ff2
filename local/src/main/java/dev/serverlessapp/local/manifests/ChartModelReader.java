package dev.serverlessapp.local.manifests;

import dev.serverlessapp.deploy.TriggerFilters;
import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.eventing.pkg.apis.common.integration.v1alpha1.AWSSQS;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rendered chart's documents, as fabric8 parsed them, read into the {@link ChartModel} the local runtime acts on. */
public final class ChartModelReader {

    private ChartModelReader() {
    }

    public static ChartModel read(List<HasMetadata> documents) {
        String namespace = documents.stream().map(d -> d.getMetadata().getNamespace())
                .filter(n -> n != null && !n.isBlank()).findFirst().orElse("default");
        List<ConfigMap> configMaps = only(documents, ConfigMap.class);
        List<Secret> secrets = only(documents, Secret.class);
        return new ChartModel(namespace,
                only(documents, Service.class).stream().map(s -> service(s, namespace, configMaps, secrets)).toList(),
                only(documents, Broker.class).stream().map(ChartModelReader::broker).toList(),
                only(documents, Trigger.class).stream().map(ChartModelReader::trigger).toList(),
                only(documents, PingSource.class).stream().map(ChartModelReader::pingSource).toList(),
                only(documents, IntegrationSource.class).stream().map(ChartModelReader::integrationSource).toList(),
                only(documents, IntegrationSink.class).stream().map(ChartModelReader::integrationSink).toList());
    }

    static ChartModel.Service service(Service service, String namespace, List<ConfigMap> configMaps, List<Secret> secrets) {
        Container container = ServiceEnvironment.container(service);
        String readiness = Optional.ofNullable(container.getReadinessProbe()).map(p -> p.getHttpGet())
                .map(g -> g.getPath()).orElse("/actuator/health/readiness");
        var template = service.getSpec().getTemplate().getMetadata();
        Map<String, String> annotations = template == null || template.getAnnotations() == null ? Map.of() : template.getAnnotations();
        String minScale = annotations.getOrDefault("autoscaling.knative.dev/min-scale",
                annotations.getOrDefault("autoscaling.knative.dev/minScale", "0"));
        Map<String, String> labels = service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels();
        boolean external = !"cluster-local".equals(labels.get("networking.knative.dev/visibility"));
        Long memoryLimit = Optional.ofNullable(container.getResources()).map(r -> r.getLimits()).map(l -> l.get("memory"))
                .map(q -> Quantity.getAmountInBytes(q).longValue()).orElse(null);
        return new ChartModel.Service(service.getMetadata().getName(),
                ServiceEnvironment.of(service, namespace, configMaps, secrets), readiness, "0".equals(minScale.trim()),
                external, memoryLimit);
    }

    static ChartModel.Trigger trigger(Trigger trigger) {
        return new ChartModel.Trigger(trigger.getMetadata().getName(), trigger.getSpec().getBroker(),
                TriggerFilters.of(trigger.getSpec()), destination(trigger.getSpec().getSubscriber()),
                delivery(trigger.getSpec().getDelivery()));
    }

    private static ChartModel.Broker broker(Broker broker) {
        return new ChartModel.Broker(broker.getMetadata().getName(),
                broker.getSpec() == null ? null : delivery(broker.getSpec().getDelivery()));
    }

    private static ChartModel.PingSource pingSource(PingSource source) {
        var spec = source.getSpec();
        Map<String, String> extensions = spec.getCeOverrides() == null ? null : spec.getCeOverrides().getExtensions();
        return new ChartModel.PingSource(source.getMetadata().getName(), spec.getSchedule(), spec.getTimezone(),
                spec.getContentType(), spec.getData(), spec.getDataBase64(), extensions, destination(spec.getSink()));
    }

    static ChartModel.IntegrationSource integrationSource(IntegrationSource source) {
        Optional<AWSSQS> sqs = Optional.ofNullable(source.getSpec().getAws()).map(a -> a.getSqs());
        return new ChartModel.IntegrationSource(source.getMetadata().getName(), sqs.map(ChartModelReader::queue).orElse(null),
                sqs.map(AWSSQS::getMaxMessagesPerPoll).orElse(null), destination(source.getSpec().getSink()));
    }

    private static ChartModel.IntegrationSink integrationSink(IntegrationSink sink) {
        return new ChartModel.IntegrationSink(sink.getMetadata().getName(),
                Optional.ofNullable(sink.getSpec().getAws()).map(a -> a.getSqs()).map(ChartModelReader::queue).orElse(null));
    }

    /** The queue's name from its URL or, without one, its ARN ({@code arn:aws:sqs:region:account:name}). */
    static String queue(AWSSQS sqs) {
        if (sqs.getQueueURL() != null && !sqs.getQueueURL().isBlank()) {
            return sqs.getQueueURL().substring(sqs.getQueueURL().lastIndexOf('/') + 1);
        }
        return sqs.getArn().substring(sqs.getArn().lastIndexOf(':') + 1);
    }

    static ChartModel.Destination destination(io.fabric8.knative.duck.v1.Destination destination) {
        if (destination == null) {
            return null;
        }
        var ref = destination.getRef();
        return new ChartModel.Destination(ref == null ? null : ref.getKind(), ref == null ? null : ref.getName(),
                destination.getUri());
    }

    static ChartModel.Delivery delivery(DeliverySpec spec) {
        return spec == null ? null : new ChartModel.Delivery(spec.getRetry(), spec.getBackoffPolicy(), spec.getBackoffDelay(),
                spec.getTimeout(), destination(spec.getDeadLetterSink()));
    }

    private static <T> List<T> only(List<HasMetadata> documents, Class<T> type) {
        return documents.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
