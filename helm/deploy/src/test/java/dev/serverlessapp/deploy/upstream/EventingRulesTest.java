package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.CrdSchemasTest.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Each rule of Knative Eventing's webhook (and the Kafka broker's) refuses the mistake it exists for. */
class EventingRulesTest {

    private static final KnativeConfig OLDEST = KnativeConfig.defaults(UPSTREAM, UpstreamRelease.OLDEST);
    private static final KnativeConfig NEWEST = KnativeConfig.defaults(UPSTREAM, UpstreamRelease.NEWEST);

    private static final String BROKER = """
            apiVersion: eventing.knative.dev/v1
            kind: Broker
            metadata: {name: b, namespace: ns}
            spec:
              delivery:
                retry: 5
                backoffPolicy: exponential
                backoffDelay: PT0.5S
                timeout: PT60S
                deadLetterSink: {ref: {apiVersion: sinks.knative.dev/v1alpha1, kind: IntegrationSink, name: dead-letters}}
            """;
    private static final String TRIGGER = """
            apiVersion: eventing.knative.dev/v1
            kind: Trigger
            metadata: {name: t, namespace: ns}
            spec:
              broker: b
              filters: [{exact: {type: dev.knative.sources.ping, source: /apis/v1/namespaces/ns/pingsources/hourly}}]
              subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: jobs}}
            """;
    private static final String PING = """
            apiVersion: sources.knative.dev/v1
            kind: PingSource
            metadata: {name: hourly, namespace: ns}
            spec:
              schedule: "5 * * * *"
              timezone: Etc/UTC
              contentType: application/json
              data: '{"job":"hourly"}'
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: b}}
            """;
    private static final String SOURCE = """
            apiVersion: sources.knative.dev/v1alpha1
            kind: IntegrationSource
            metadata: {name: q, namespace: ns}
            spec:
              aws:
                sqs: {arn: "arn:aws:sqs:eu-west-1:123456789012:q", region: eu-west-1}
                auth: {secret: {ref: {name: aws-eventing}}}
              sink: {ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: b}}
            """;

    @Test
    void theChartsShapesPass() {
        for (String yaml : List.of(BROKER, TRIGGER, PING, SOURCE)) {
            assertThat(problems(yaml, OLDEST, UpstreamRelease.OLDEST)).as(yaml).isEmpty();
            assertThat(problems(yaml, NEWEST, UpstreamRelease.NEWEST)).as(yaml).isEmpty();
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            BROKER | timeout: PT60S | timeout: 60s | spec.delivery.timeout: invalid value: 60s
            BROKER | timeout: PT60S | timeout: PT0.05S | spec.delivery.timeout: invalid value: PT0.05S
            BROKER | timeout: PT60S | timeout: P0D | spec.delivery.timeout: invalid value: P0D
            BROKER | backoffDelay: PT0.5S | backoffDelay: 500ms | spec.delivery.backoffDelay: invalid value: 500ms
            BROKER | backoffPolicy: exponential | backoffPolicy: fibonacci | spec.delivery.backoffPolicy: invalid value: fibonacci
            BROKER | retry: 5 | retry: -1 | spec.delivery.retry: invalid value: -1
            BROKER | kind: IntegrationSink, | group: sinks.knative.dev, kind: IntegrationSink, | spec.delivery.deadLetterSink.ref.group: must not set the field(s) (feature kreference-group is disabled)
            TRIGGER | broker: b | brokerRef: {name: b, namespace: other} | spec.brokerRef.namespace: must not set the field(s)
            TRIGGER | {exact: {type: | {exact: {Type: | spec.filters[0].exact.Type: invalid key name "Type"
            TRIGGER | }}] | }, prefix: {type: dev}}] | spec.filters[0]: multiple dialects found
            TRIGGER | {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: jobs}} | {uri: /jobs} | spec.subscriber.uri: invalid value: Relative URI is not allowed
            PING | "5 * * * *" | "@every 1h" | spec.schedule: invalid value: unsupported descriptor @every
            PING | "5 * * * *" | "61 * * * *" | spec.schedule: invalid value: end of range (61) above maximum (59): 61
            PING | "5 * * * *" | "5 * * *" | spec.schedule: invalid value: expected 5 to 6 fields, found 4: [5 * * *]
            PING | Etc/UTC | Mars/Olympus | spec.timezone: invalid value: provided bad location Mars/Olympus
            PING | '{"job":"hourly"}' | '["hourly"]' | spec.data: invalid value: not a JSON object
            PING | '{"job":"hourly"}' | '{"job":' | spec.data: invalid value:
            SOURCE | auth: {secret: {ref: {name: aws-eventing}}} | auth: {} | spec.aws.auth.secret.ref.name: missing field(s)
            SOURCE | region: eu-west-1} | region: ""} | spec.aws.sqs.region: missing field(s)
            SOURCE | aws: | timer: {period: 1000}\\n  aws: | spec: only one source type can be set
            """)
    void eachMistakeIsRefusedWithItsPath(String base, String from, String to, String expected) {
        String original = switch (base) {
            case "BROKER" -> BROKER;
            case "TRIGGER" -> TRIGGER;
            case "PING" -> PING;
            default -> SOURCE;
        };
        String yaml = original.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to.replace("\\n", "\n")));
        assertThat(yaml).as("the case applies").isNotEqualTo(original);

        for (UpstreamRelease release : UpstreamRelease.SUPPORTED) {
            KnativeConfig config = release.equals(UpstreamRelease.OLDEST) ? OLDEST : NEWEST;
            assertThat(problems(yaml, config, release)).extracting(Problem::toString).as(release.toString())
                    .anySatisfy(p -> assertThat(p).contains(expected));
        }
    }

    @Test
    void sourcesMayRunAsAServiceAccountFromEventing120Only() {
        String serviceAccount = SOURCE.replace("auth: {secret: {ref: {name: aws-eventing}}}", "auth: {serviceAccountName: sqs-reader}");

        assertThat(problems(serviceAccount, NEWEST, UpstreamRelease.NEWEST)).isEmpty();
        assertThat(problems(serviceAccount, OLDEST, UpstreamRelease.OLDEST)).extracting(Problem::toString)
                .containsExactly("IntegrationSource q: spec.aws.auth.secret.ref.name: missing field(s) (Eventing 1.17.6 knows no other auth)");
    }

    @Test
    void deliveryTimeoutNeedsItsFeature() {
        KnativeConfig off = NEWEST.withEventing(Map.of("delivery-timeout", "disabled"));

        assertThat(problems(BROKER, off, UpstreamRelease.NEWEST)).extracting(Problem::toString)
                .containsExactly("Broker b: spec.delivery.timeout: must not set the field(s) (feature delivery-timeout is disabled)");
    }

    @Test
    void kafkaBrokerNeedsAConfigMapWithItsKeys() {
        String broker = BROKER.replace("metadata: {name: b, namespace: ns}",
                "metadata: {name: b, namespace: ns, annotations: {eventing.knative.dev/broker.class: Kafka}}");
        String withConfig = broker.replace("spec:\n", "spec:\n  config: {apiVersion: v1, kind: ConfigMap, name: kafka, namespace: ns}\n");
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kafka, namespace: ns}
                data: {bootstrap.servers: "%s", default.topic.partitions: "%s", default.topic.replication.factor: "3"}
                """;

        assertThat(kafka(withConfig, configMap.formatted("kafka:9092", "10"))).isEmpty();
        assertThat(kafka(broker, configMap.formatted("kafka:9092", "10"))).extracting(Problem::toString)
                .singleElement().asString().startsWith("Broker b: spec.config: missing field(s)");
        assertThat(kafka(withConfig.replace("kind: ConfigMap, name: kafka", "kind: Secret, name: kafka"), configMap.formatted("kafka:9092", "10")))
                .extracting(Problem::toString).containsExactly("Broker b: spec.config.kind: invalid value: Secret: Expected ConfigMap");
        assertThat(kafka(withConfig, configMap.formatted(" , ", "ten"))).extracting(Problem::toString).containsExactlyInAnyOrder(
                "ConfigMap kafka: data.default.topic.partitions: failed to parse \"ten\" as an int32",
                "ConfigMap kafka: data.bootstrap.servers: missing: the Kafka broker needs at least one bootstrap server");
    }

    @Test
    void theKafkaKeysCheckedAreTheOnesUpstreamsConfigMapHas() throws java.io.IOException {
        for (UpstreamRelease release : UpstreamRelease.SUPPORTED) {
            JsonNode upstream = read(java.nio.file.Files.readString(release.kafkaBrokerDir(UPSTREAM).resolve("kafka-broker-config.yaml")));
            List<String> keys = new java.util.ArrayList<>();
            upstream.path("data").properties().forEach(e -> keys.add(e.getKey()));
            assertThat(keys).as(release.toString()).containsExactlyInAnyOrderElementsOf(KafkaBrokerRules.KEYS);
        }
    }

    @Test
    void eventPolicyNeedsAuthenticationOidc() {
        String policy = """
                apiVersion: eventing.knative.dev/v1alpha1
                kind: EventPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  to: [{ref: {apiVersion: eventing.knative.dev/v1, kind: Broker, name: b}}]
                  from: [{sub: "system:serviceaccount:ops:*"}, {sub: "system:*:ops"}]
                """;

        assertThat(problems(policy, NEWEST, UpstreamRelease.NEWEST)).extracting(Problem::toString).containsExactly(
                "EventPolicy p: oidc-authentication feature not enabled (config-features authentication-oidc: enabled)",
                "EventPolicy p: spec.from[1].sub: invalid value: system:*:ops: '*' is only allowed as suffix");
        assertThat(problems(policy, NEWEST.withEventing(Map.of("authentication-oidc", "enabled")), UpstreamRelease.NEWEST))
                .extracting(Problem::toString).containsExactly(
                        "EventPolicy p: spec.from[1].sub: invalid value: system:*:ops: '*' is only allowed as suffix");
    }

    private static List<Problem> kafka(String broker, String configMap) {
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        objects.put("Broker b", read(broker));
        objects.put("ConfigMap kafka", read(configMap));
        return KafkaBrokerRules.check(objects);
    }

    private static List<Problem> problems(String yaml, KnativeConfig config, UpstreamRelease release) {
        JsonNode resource = read(yaml);
        return EventingRules.check(resource.path("kind").asString() + " " + resource.path("metadata").path("name").asString(),
                resource, config, release);
    }

    private static JsonNode read(String yaml) {
        return YAMLMapper.builder().build().readTree(yaml);
    }
}
