package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.Json.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Knative's Kafka broker (knative-extensions/eventing-kafka-broker): its webhook wants the
 * {@code Kafka} class's {@code spec.config} to be a ConfigMap (broker_validation.go), and its
 * controller reads {@code default.topic.partitions}, {@code default.topic.replication.factor}
 * (int32, above zero) and {@code bootstrap.servers} (comma-separated, not empty) from that
 * ConfigMap (kafka/topic.go). A ConfigMap the chart does not render is the operator's to check.
 */
final class KafkaBrokerRules {

    static final String CLASS = "Kafka";
    static final String NAMESPACED_CLASS = "KafkaNamespaced";
    static final List<String> KEYS = List.of("default.topic.partitions", "default.topic.replication.factor", "bootstrap.servers");

    private KafkaBrokerRules() {
    }

    /** Problems of Kafka-class Brokers and of the ConfigMaps they name, given every rendered object. */
    static List<Problem> check(Map<String, JsonNode> byObject) {
        List<Problem> problems = new ArrayList<>();
        byObject.forEach((object, resource) -> {
            String brokerClass = text(resource.path("metadata").path("annotations"), "eventing.knative.dev/broker.class");
            if (!text(resource, "kind").equals("Broker") || !(brokerClass.equals(CLASS) || brokerClass.equals(NAMESPACED_CLASS))) {
                return;
            }
            JsonNode config = resource.path("spec").path("config");
            if (!config.isObject()) {
                problems.add(new Problem(object, "spec.config", "missing field(s): the " + brokerClass
                        + " broker takes its bootstrap servers and topic settings from a ConfigMap named here"));
                return;
            }
            if (!text(config, "kind").equalsIgnoreCase("configmap")) {
                problems.add(new Problem(object, "spec.config.kind", "invalid value: " + text(config, "kind") + ": Expected ConfigMap"));
                return;
            }
            String brokerNamespace = text(resource.path("metadata"), "namespace");
            String namespace = text(config, "namespace").isEmpty() ? brokerNamespace : text(config, "namespace");
            if (brokerClass.equals(NAMESPACED_CLASS) && !namespace.equals(brokerNamespace)) {
                problems.add(new Problem(object, "spec.config.namespace", "Expected ConfigMap in same namespace with broker resource"));
            }
            byObject.forEach((other, configMap) -> {
                if (text(configMap, "kind").equals("ConfigMap") && text(configMap.path("metadata"), "name").equals(text(config, "name"))
                        && text(configMap.path("metadata"), "namespace").equals(namespace)) {
                    problems.addAll(configMap(other, configMap.path("data")));
                }
            });
        });
        return problems;
    }

    private static List<Problem> configMap(String object, JsonNode data) {
        List<Problem> problems = new ArrayList<>();
        for (String key : List.of("default.topic.partitions", "default.topic.replication.factor")) {
            String value = text(data, key);
            try {
                long number = Long.parseLong(value);
                if (number <= 0 || number > Integer.MAX_VALUE) {
                    problems.add(new Problem(object, "data." + key, "must be a number above zero, not " + value));
                }
            } catch (NumberFormatException e) {
                problems.add(new Problem(object, "data." + key, value.isEmpty() ? "missing: the Kafka broker needs it"
                        : "failed to parse \"" + value + "\" as an int32"));
            }
        }
        boolean anyServer = false;
        for (String server : text(data, "bootstrap.servers").split(",")) {
            anyServer |= !server.isBlank();
        }
        if (!anyServer) {
            problems.add(new Problem(object, "data.bootstrap.servers", "missing: the Kafka broker needs at least one bootstrap server"));
        }
        return problems;
    }
}
