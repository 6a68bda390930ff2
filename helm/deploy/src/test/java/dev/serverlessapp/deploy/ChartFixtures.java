package dev.serverlessapp.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the chart is, and the value sets the tests render it with besides its defaults. */
final class ChartFixtures {

    static final Path CHART = Path.of(System.getProperty("chart.dir", "../serverless-app")).toAbsolutePath().normalize();
    static final Path K8S = Path.of(System.getProperty("k8s.dir", "../../k8s"));
    static final Path FUNCTIONS = Path.of(System.getProperty("functions.dir", "../../functions"));
    static final List<String> FUNCTIONS_DECLARED = List.of("user-api", "email-worker", "file-processor", "scheduled-tasks");

    private ChartFixtures() {
    }

    /** A production-like install: real AWS, IRSA roles provisioned by ACK, EventPolicy, a warm API. */
    static Map<String, Object> production() {
        return Map.of(
                "image", Map.of("registry", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/serverless-app", "tag", "1.4.2"),
                "aws", Map.of("region", "eu-west-1", "accountId", "123456789012"),
                "functions", Map.of(
                        "user-api", Map.of("scale", Map.of("min", 1, "max", 20)),
                        "email-worker", Map.of("serviceAccount", Map.of(
                                "roleArn", "arn:aws:iam::123456789012:role/custom-email-worker"))),
                "mail", Map.of("transport", "ses", "from", "hello@example.org"),
                "eventing", Map.of("eventPolicy", Map.of("enabled", true,
                        "extraSubjects", List.of("system:serviceaccount:ops:replayer"))),
                "provisioning", Map.of("enabled", true,
                        "oidcProvider", "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"));
    }

    /** Against LocalStack in the cluster, with SMTP credentials from a Secret, a Berlin-time ping and the Kafka broker. */
    static Map<String, Object> localstack() {
        return Map.of(
                "aws", Map.of("endpoint", "http://localstack.localstack:4566", "s3ForcePathStyle", true),
                "functionDefaults", Map.of("env", Map.of("DYNAMODB_CREATE_TABLE", true, "LOG_FORMAT", "")),
                "mail", Map.of("smtp", Map.of("host", "mailpit.mail", "port", 1025, "startTls", false, "existingSecret", "smtp")),
                "eventing", Map.of("ping", Map.of("schedule", "*/15 * * * *", "timezone", "Europe/Berlin"),
                        "broker", Map.of("class", "Kafka",
                                "kafka", Map.of("bootstrapServers", "my-cluster-kafka-bootstrap.kafka:9092", "replicationFactor", 1),
                                // Linear backoff waits nothing before its first retry: 0 + 2 + 4 + 6 s outlasts the 6 s lease.
                                "delivery", Map.of("retry", 4, "backoffPolicy", "linear", "backoffDelay", "PT2S", "timeout", ""))));
    }

    /**
     * Every option on at once, each with the example its values.yaml comment gives: ACK provisioning,
     * the sources on an IRSA ServiceAccount (Knative Eventing 1.20+), EventPolicy (needs
     * authentication-oidc), the PodMonitor, the Kafka broker with a client Secret, tracing export,
     * pull secrets, extra env, SMTP credentials, a per-Trigger delivery timeout, the longest
     * timeout Knative allows by default, and an SQS source sinking into a Broker of another name
     * (with its function's Trigger there): three Kafka Brokers, each with its EventPolicy.
     */
    static Map<String, Object> allFeatures() {
        return Map.of(
                "image", Map.of("registry", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/serverless-app", "tag", "1.4.2",
                        "pullPolicy", "Always"),
                "imagePullSecrets", List.of(Map.of("name", "ecr")),
                "aws", Map.of("region", "eu-west-1", "accountId", "123456789012",
                        "eventingAuth", Map.of("secretName", "", "serviceAccount", Map.of("name", "serverless-app-eventing"))),
                "observability", Map.of("podMonitor", Map.of("enabled", true, "labels", Map.of("release", "prometheus")),
                        "tracing", Map.of("otlpEndpoint", "http://otel-collector.observability:4318/v1/traces")),
                "functionDefaults", Map.of("extraEnv", List.of(Map.of("name", "SMTP_TIMEOUT", "value", "PT10S"))),
                "functions", Map.of(
                        "user-api", Map.of("scale", Map.of("min", 1, "max", 20),
                                "serviceAccount", Map.of("annotations", Map.of("example.com/team", "accounts"))),
                        "email-worker", Map.of("trigger", Map.of("deliveryTimeout", "PT90S")),
                        "file-processor", Map.of("trigger", Map.of("broker", "files")),
                        "scheduled-tasks", Map.of("timeoutSeconds", 600)),
                "mail", Map.of("transport", "smtp", "smtp", Map.of("existingSecret", "smtp")),
                "eventing", Map.of(
                        "broker", Map.of("class", "Kafka", "kafka", Map.of("bootstrapServers",
                                "kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092", "authSecretName", "kafka-client")),
                        "sqsSources", Map.of("uploads", Map.of("broker", "files")),
                        "eventPolicy", Map.of("enabled", true, "extraSubjects", List.of("system:serviceaccount:ops:replayer"))),
                "provisioning", Map.of("enabled", true,
                        "oidcProvider", "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                        "retainOnDelete", false));
    }

    /** A quiet install: every function kept at one pod at least, no unrouted declaration needed. */
    static Map<String, Object> alwaysOn() {
        Map<String, Object> functions = new LinkedHashMap<>();
        for (String name : FUNCTIONS_DECLARED) {
            functions.put(name, Map.of("scale", Map.of("min", 1)));
        }
        return Map.of("functions", functions, "functionDefaults", Map.of("timeoutSeconds", 120));
    }

    static Map<String, Object> values(String name) {
        return switch (name) {
            case "defaults" -> Map.of();
            case "production" -> production();
            case "localstack" -> localstack();
            case "always-on" -> alwaysOn();
            case "all-features" -> allFeatures();
            default -> throw new IllegalArgumentException(name);
        };
    }

    static Manifests render(Map<String, Object> values) {
        return Manifests.parse(Chart.render(CHART, values));
    }
}
