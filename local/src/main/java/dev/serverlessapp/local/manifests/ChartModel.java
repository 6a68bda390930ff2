package dev.serverlessapp.local.manifests;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;

/** The rendered chart's documents that the local runtime acts on, as fabric8's typed models. */
public record ChartModel(String namespace, List<Service> services, List<Broker> brokers, List<Trigger> triggers,
                         List<PingSource> pingSources, List<IntegrationSource> integrationSources,
                         List<IntegrationSink> integrationSinks, List<ConfigMap> configMaps, List<Secret> secrets) {

    public static ChartModel of(List<HasMetadata> documents) {
        String namespace = documents.stream().map(d -> d.getMetadata().getNamespace())
                .filter(n -> n != null && !n.isBlank()).findFirst().orElse("default");
        return new ChartModel(namespace, only(documents, Service.class), only(documents, Broker.class),
                only(documents, Trigger.class), only(documents, PingSource.class),
                only(documents, IntegrationSource.class), only(documents, IntegrationSink.class),
                only(documents, ConfigMap.class), only(documents, Secret.class));
    }

    private static <T> List<T> only(List<HasMetadata> documents, Class<T> type) {
        return documents.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
