package dev.serverlessapp.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.serverlessapp.deploy.ack.Bucket;
import dev.serverlessapp.deploy.ack.Queue;
import dev.serverlessapp.deploy.ack.Role;
import dev.serverlessapp.deploy.ack.Table;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1alpha1.EventPolicy;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rendered manifests as typed objects: Knative Serving and Eventing from fabric8's Knative model,
 * ACK kinds from {@code ack}. Parsing is strict: an unknown kind or an unknown field anywhere is a
 * {@link ManifestException}, because Kubernetes would reject (or silently drop) it. This is the
 * typed view; {@code upstream.UpstreamChecks} checks the same text against the upstream CRDs and
 * webhook rules of each supported Knative release.
 */
public final class Manifests {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            kind("v1", "Namespace", Namespace.class),
            kind("v1", "ServiceAccount", ServiceAccount.class),
            kind("v1", "ConfigMap", ConfigMap.class),
            // No typed model: its upstream CRD schema (UpstreamChecks) is its strict check.
            kind("monitoring.coreos.com/v1", "PodMonitor", GenericKubernetesResource.class),
            kind("serving.knative.dev/v1", "Service", Service.class),
            kind("eventing.knative.dev/v1", "Broker", Broker.class),
            kind("eventing.knative.dev/v1", "Trigger", Trigger.class),
            kind("eventing.knative.dev/v1alpha1", "EventPolicy", EventPolicy.class),
            kind("sources.knative.dev/v1", "PingSource", PingSource.class),
            kind("sources.knative.dev/v1alpha1", "IntegrationSource", IntegrationSource.class),
            kind("sinks.knative.dev/v1alpha1", "IntegrationSink", IntegrationSink.class),
            kind("dynamodb.services.k8s.aws/v1alpha1", "Table", Table.class),
            kind("sqs.services.k8s.aws/v1alpha1", "Queue", Queue.class),
            kind("s3.services.k8s.aws/v1alpha1", "Bucket", Bucket.class),
            kind("iam.services.k8s.aws/v1alpha1", "Role", Role.class));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final List<HasMetadata> resources;

    private Manifests(List<HasMetadata> resources) {
        this.resources = List.copyOf(resources);
    }

    /** Parses a multi-document YAML stream, e.g. the output of {@link Chart#render}. */
    public static Manifests parse(String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        int index = 0;
        for (Map<String, Object> document : documents(yaml)) {
            index++;
            if (document != null && !document.isEmpty()) {
                resources.add(toResource(document, index));
            }
        }
        return new Manifests(resources);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, Object.class);
            while (values.hasNext()) {
                Object document = values.next();
                if (document instanceof Map<?, ?> map) {
                    documents.add((Map<String, Object>) map);
                } else if (document != null) {
                    throw new ManifestException("not a Kubernetes object: " + document);
                }
                // null: an empty document (comments only), which kubectl skips too
            }
        } catch (IOException | RuntimeException e) {
            // SnakeYAML's own exceptions are unchecked; all of them mean the text is not YAML.
            throw new ManifestException("not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    private static HasMetadata toResource(Map<String, Object> document, int index) {
        String apiVersion = String.valueOf(document.get("apiVersion"));
        String kind = String.valueOf(document.get("kind"));
        Object name = document.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
        String where = "document " + index + " (" + apiVersion + " " + kind + " " + name + ")";
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new ManifestException(where + ": kind not known to the chart's model");
        }
        HasMetadata resource;
        try {
            resource = STRICT.convertValue(document, type);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(where + ": " + e.getMessage(), e);
        }
        List<String> unknown = type == GenericKubernetesResource.class ? List.of() : UnknownFields.of(resource);
        if (!unknown.isEmpty()) {
            throw new ManifestException(where + ": unknown fields " + unknown);
        }
        return resource;
    }

    public List<HasMetadata> all() {
        return resources;
    }

    public <T extends HasMetadata> List<T> ofType(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return ofType(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    public List<Service> services() {
        return ofType(Service.class);
    }

    public List<Broker> brokers() {
        return ofType(Broker.class);
    }

    public List<Trigger> triggers() {
        return ofType(Trigger.class);
    }

    public List<PingSource> pingSources() {
        return ofType(PingSource.class);
    }

    public List<IntegrationSource> integrationSources() {
        return ofType(IntegrationSource.class);
    }

    public List<IntegrationSink> integrationSinks() {
        return ofType(IntegrationSink.class);
    }

    public List<EventPolicy> eventPolicies() {
        return ofType(EventPolicy.class);
    }

    public List<ServiceAccount> serviceAccounts() {
        return ofType(ServiceAccount.class);
    }

    /** The function container of a Knative Service (the chart renders exactly one). */
    public static Container container(Service service) {
        return service.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /**
     * A function's environment with literal values, in order. Variables taken from Secrets
     * ({@code valueFrom}) are left out: the caller supplies those.
     */
    public static Map<String, String> plainEnv(Service service) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container(service).getEnv()) {
            if (variable.getValueFrom() == null) {
                env.put(variable.getName(), variable.getValue() == null ? "" : variable.getValue());
            }
        }
        return env;
    }

    /** YAML of one resource, for messages and for writing manifests back out. */
    public static String toYaml(HasMetadata resource) {
        try {
            return YAML.writeValueAsString(resource);
        } catch (JsonProcessingException e) {
            throw new ManifestException("cannot write " + resource.getKind(), e);
        }
    }

    private static Map.Entry<String, Class<? extends HasMetadata>> kind(
            String apiVersion, String kind, Class<? extends HasMetadata> type) {
        return Map.entry(apiVersion + "/" + kind, type);
    }
}
