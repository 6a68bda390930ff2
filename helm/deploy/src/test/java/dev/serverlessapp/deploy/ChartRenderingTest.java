package dev.serverlessapp.deploy;

import dev.serverlessapp.contract.Events;
import static dev.serverlessapp.deploy.ChartFixtures.CHART;
import static dev.serverlessapp.deploy.ChartFixtures.FUNCTIONS_DECLARED;
import static dev.serverlessapp.deploy.ChartFixtures.render;
import static dev.serverlessapp.deploy.ChartFixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartRenderingTest {

    @Test
    void chartLintsClean() {
        assertThat(Chart.lint(CHART)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "production", "localstack", "always-on", "all-features"})
    void everyValueSetRendersManifestsThatPassEveryCheck(String valueSet) {
        Manifests manifests = render(values(valueSet));

        assertThat(manifests.services()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(FUNCTIONS_DECLARED);
        assertThat(ManifestChecks.all(manifests)).isEmpty();
    }

    @Test
    void functionsScaleToZeroUnlessValuesKeepThemWarm() {
        assertThat(ManifestChecks.keptWarm(render(values("defaults")))).isEmpty();
        assertThat(ManifestChecks.keptWarm(render(values("production")))).containsExactly("user-api");
        assertThat(ManifestChecks.keptWarm(render(values("always-on")))).containsExactlyInAnyOrderElementsOf(FUNCTIONS_DECLARED);
    }

    @Test
    void eachQueueAndThePingReachOnlyTheirOwnFunctionThroughTheirOwnBroker() {
        Manifests manifests = render(Map.of());
        Map<String, String> expected = Map.of(
                "IntegrationSource/email-queue", "email → Service/email-worker",
                "IntegrationSource/uploads-queue", "uploads → Service/file-processor",
                "PingSource/hourly", "serverless-app → Service/scheduled-tasks");

        Map<String, String> reached = new java.util.HashMap<>();
        for (EmittedEvent event : EmittedEvent.of(manifests)) {
            if (expected.containsKey(event.emitter())) {
                reached.put(event.emitter(), event.broker() + " → "
                        + String.join(",", ManifestChecks.subscribersOf(manifests, event.broker(), event.attributes())));
            }
        }
        assertThat(reached).isEqualTo(expected);
        // The two queues' events are alike (the connector sets the same attributes for both): only the
        // Broker they enter tells them apart, so each one on the other's Broker would reach the other function.
        EventAttributes sqsEvent = EmittedEvent.of(manifests).stream()
                .filter(e -> e.emitter().equals("IntegrationSource/email-queue")).findFirst().orElseThrow().attributes();
        assertThat(ManifestChecks.subscribersOf(manifests, "uploads", sqsEvent)).containsExactly("Service/file-processor");
        // a ping from some other PingSource (another app's) reaches nobody
        assertThat(ManifestChecks.subscribersOf(manifests, "serverless-app", new EventAttributes(Map.of(
                "type", Events.PING, "source", "/apis/v1/namespaces/serverless-app/pingsources/nightly"), Map.of())))
                .isEmpty();
        assertThat(manifests.brokers()).extracting(b -> b.getMetadata().getName())
                .containsExactlyInAnyOrder("serverless-app", "email", "uploads");
        assertThat(manifests.triggers()).extracting(t -> t.getMetadata().getName())
                .as("user-api is HTTP ingress and gets no Trigger")
                .containsExactlyInAnyOrder("email-worker", "file-processor", "scheduled-tasks");
    }

    @Test
    void everyBrokerHasTheSameDeliveryAndDeadLetterSink() {
        Manifests manifests = render(values("localstack"));

        assertThat(manifests.brokers()).hasSize(3).allSatisfy(broker -> {
            assertThat(broker.getMetadata().getAnnotations()).containsEntry("eventing.knative.dev/broker.class", "Kafka");
            assertThat(broker.getSpec().getDelivery().getRetry()).isEqualTo(4);
            assertThat(broker.getSpec().getDelivery().getBackoffPolicy()).isEqualTo("linear");
            assertThat(broker.getSpec().getDelivery().getDeadLetterSink().getRef().getName()).isEqualTo("dead-letters");
            // One ConfigMap serves them all: the Kafka broker only reads it and gives each Broker a topic of its own.
            assertThat(broker.getSpec().getConfig().getKind()).isEqualTo("ConfigMap");
            assertThat(broker.getSpec().getConfig().getName()).isEqualTo("serverless-app-kafka-config");
        });
        assertThat(manifests.ofType(ConfigMap.class)).singleElement().satisfies(config -> {
            assertThat(config.getMetadata().getName()).isEqualTo("serverless-app-kafka-config");
            assertThat(config.getData()).containsEntry("bootstrap.servers", "my-cluster-kafka-bootstrap.kafka:9092")
                    .containsEntry("default.topic.replication.factor", "1");
        });
    }

    @Test
    void aSourcesBrokerOfAnotherNameIsOneOfTheChartsBrokersWithItsTriggerAndPolicy() {
        Manifests manifests = render(values("all-features"));

        assertThat(manifests.brokers()).extracting(b -> b.getMetadata().getName())
                .containsExactlyInAnyOrder("serverless-app", "email", "files");
        assertThat(manifests.find(Trigger.class, "file-processor").orElseThrow().getSpec().getBroker()).isEqualTo("files");
        assertThat(manifests.eventPolicies()).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("serverless-app-senders", "email-senders", "files-senders");
        assertThat(manifests.brokers()).allSatisfy(broker ->
                assertThat(broker.getSpec().getConfig().getName()).isEqualTo("serverless-app-kafka-config"));
    }

    /**
     * Issue 15: unless one is chosen, the function picks the share of traces recorded (all with an OTLP
     * endpoint, none without): a "1.0" from the chart recorded spans that could not leave.
     */
    @Test
    void theSamplingIsPassedOnlyWhenChosen() {
        assertThat(envOf(render(values("localstack")), "user-api")).doesNotContainKey("TRACING_SAMPLING_PROBABILITY");
        Map<String, Object> chosen = new HashMap<>(values("localstack"));
        chosen.put("observability", Map.of("tracing", Map.of("samplingProbability", "0.1")));
        assertThat(envOf(render(chosen), "user-api")).containsEntry("TRACING_SAMPLING_PROBABILITY", "0.1");
    }

    @Test
    void functionsGetTheEnvironmentOfTheirContract() {
        Manifests manifests = render(values("localstack"));
        Map<String, Map<String, String>> env = Map.of(
                "user-api", envOf(manifests, "user-api"),
                "email-worker", envOf(manifests, "email-worker"),
                "file-processor", envOf(manifests, "file-processor"),
                "scheduled-tasks", envOf(manifests, "scheduled-tasks"));
        Set<String> common = Set.of("AWS_REGION", "AWS_ENDPOINT_URL", "AWS_S3_FORCE_PATH_STYLE", "DYNAMODB_TABLE",
                "DYNAMODB_CREATE_TABLE", "IDEMPOTENCY_LEASE", "IDEMPOTENCY_KEEP_FOR", "REQUEST_DEADLINE", "LOG_FORMAT",
                "MANAGEMENT_PORT", "METRICS_ENABLED", "TRACING_ENABLED");

        env.values().forEach(vars -> assertThat(vars).containsKeys(common.toArray(String[]::new))
                // The actuator (metrics) beside the serving port, clear of the queue-proxy's 9090/9091.
                .containsEntry("MANAGEMENT_PORT", "8081")
                .containsEntry("AWS_ENDPOINT_URL", "http://localstack.localstack:4566")
                .containsEntry("AWS_S3_FORCE_PATH_STYLE", "true")
                .doesNotContainKey("PORT")); // Knative sets PORT itself and refuses a Service that sets it
        assertThat(env.get("user-api")).containsOnlyKeys(union(common, "EMAIL_QUEUE_URL",
                        "AUTH_ENABLED", "AUTH_ISSUER_URI", "AUTH_JWK_SET_URI", "AUTH_AUDIENCE", "AUTH_PUBLIC_SIGNUP",
                        "AUTH_READ_SCOPE", "RATE_LIMIT_ENABLED", "RATE_LIMIT_RATE", "RATE_LIMIT_PERIOD", "RATE_LIMIT_BURST",
                        "RATE_LIMIT_TRUSTED_PROXIES"))
                .containsEntry("AUTH_ENABLED", "true")
                .containsEntry("RATE_LIMIT_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
                .containsEntry("EMAIL_QUEUE_URL", "http://localstack.localstack:4566/000000000000/serverless-app-email");
        assertThat(env.get("email-worker")).containsOnlyKeys(union(common,
                "MAIL_TRANSPORT", "MAIL_FROM", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS"))
                .containsEntry("SMTP_HOST", "mailpit.mail").containsEntry("SMTP_PORT", "1025");
        assertThat(env.get("file-processor")).containsOnlyKeys(union(common, "S3_BUCKET", "THUMBNAIL_MAX_SIZE"))
                // The bucket whose notifications reach it is the one the reports go to: the chart's one bucket.
                .containsEntry("S3_BUCKET", env.get("scheduled-tasks").get("S3_BUCKET"));
        assertThat(env.get("scheduled-tasks")).containsOnlyKeys(union(common,
                "S3_BUCKET", "EMAIL_QUEUE_URL", "WELCOME_GRACE", "REPORT_CATCHUP_HOURS"));

        var secretVars = Manifests.container(manifests.find(Service.class, "email-worker").orElseThrow()).getEnv().stream()
                .filter(v -> v.getValueFrom() != null)
                .map(v -> v.getName() + "<-" + v.getValueFrom().getSecretKeyRef().getName() + "/" + v.getValueFrom().getSecretKeyRef().getKey())
                .toList();
        assertThat(secretVars).containsExactlyInAnyOrder("SMTP_USERNAME<-smtp/username", "SMTP_PASSWORD<-smtp/password");
    }

    @Test
    void realAwsQueueUrlsAndRolesComeFromRegionAndAccount() {
        Manifests manifests = render(values("production"));

        assertThat(envOf(manifests, "user-api"))
                .containsEntry("EMAIL_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/serverless-app-email")
                .doesNotContainKey("AWS_ENDPOINT_URL");
        assertThat(roleOf(manifests, "user-api"))
                .isEqualTo("arn:aws:iam::123456789012:role/serverless-app-serverless-app-user-api");
        assertThat(roleOf(manifests, "email-worker")).isEqualTo("arn:aws:iam::123456789012:role/custom-email-worker");
        assertThat(roleOf(render(Map.of()), "user-api")).as("no role without IRSA settings").isNull();
        assertThat(Manifests.container(manifests.find(Service.class, "file-processor").orElseThrow()).getImage())
                .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/serverless-app/file-processor:1.4.2");
    }

    @Test
    void eventPolicyAdmitsOnlyTheChartsSendersAndIsOffByDefault() {
        assertThat(render(Map.of()).eventPolicies()).isEmpty();

        Map<String, List<String>> senders = new java.util.TreeMap<>();
        for (var policy : render(values("production")).eventPolicies()) {
            assertThat(policy.getSpec().getTo()).singleElement().satisfies(to -> senders.put(to.getRef().getName(),
                    policy.getSpec().getFrom().stream().map(from -> from.getRef() == null
                            ? "sub:" + from.getSub() : from.getRef().getKind() + "/" + from.getRef().getName()).sorted().toList()));
        }
        assertThat(senders).containsExactly(
                Map.entry("email", List.of("IntegrationSource/email-queue", "sub:system:serviceaccount:ops:replayer")),
                Map.entry("serverless-app", List.of("PingSource/hourly", "sub:system:serviceaccount:ops:replayer")),
                Map.entry("uploads", List.of("IntegrationSource/uploads-queue", "Trigger/file-processor",
                        "sub:system:serviceaccount:ops:replayer")));
    }

    @Test
    void aFunctionsEnvIsTheDefaultsOverlaidWithItsOwn() {
        Map<String, Object> own = new java.util.HashMap<>();
        own.put("LOG_FORMAT", "");           // an empty value and false override a default too
        own.put("AUTH_ENABLED", false);
        own.put("IDEMPOTENCY_KEEP_FOR", null); // null drops it
        own.put("IMAGE_THREADS", 2);
        Manifests manifests = render(Map.of("functions", Map.of("user-api", Map.of("env", own))));

        assertThat(envOf(manifests, "user-api")).containsEntry("LOG_FORMAT", "").containsEntry("AUTH_ENABLED", "false")
                .containsEntry("IMAGE_THREADS", "2").doesNotContainKey("IDEMPOTENCY_KEEP_FOR")
                .containsEntry("EMAIL_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/000000000000/serverless-app-email");
        assertThat(envOf(manifests, "email-worker")).containsEntry("LOG_FORMAT", "ecs")
                .containsEntry("IDEMPOTENCY_KEEP_FOR", "PT24H").doesNotContainKey("IMAGE_THREADS");
    }

    @Test
    void aTemplatedVariableThatComesOutEmptyIsLeftOut() {
        Manifests manifests = render(Map.of());

        for (String function : FUNCTIONS_DECLARED) {
            assertThat(envOf(manifests, function)).as(function)
                    .doesNotContainKeys("AWS_ENDPOINT_URL", "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT")
                    .containsEntry("AWS_REGION", "us-east-1");
        }
        // Literal empty values stay: user-api's AUTH_AUDIENCE is "" (not checked), not unset.
        assertThat(envOf(manifests, "user-api")).containsEntry("AUTH_AUDIENCE", "");
        assertThat(Manifests.container(manifests.find(Service.class, "email-worker").orElseThrow()).getEnv())
                .as("no SMTP credentials without mail.smtp.existingSecret").noneMatch(v -> v.getValueFrom() != null);
    }

    @Test
    void renderingFailsClearlyOnValuesTheSchemaRefuses() {
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("functions", Map.of("user-api", Map.of("scale", Map.of("min", -1))))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("min");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("mail", Map.of("transport", "pigeon"))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("transport");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("provisioning", Map.of("enabled", true))))
                .as("IRSA roles need the OIDC provider").isInstanceOf(ManifestException.class).hasMessageContaining("oidcProvider");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("functionDefaults", Map.of("env", Map.of("IDEMPOTENCY_LEASE", "6 seconds")))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("IDEMPOTENCY_LEASE");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("functions", Map.of("file-processor", Map.of("env", Map.of("THUMBNAIL_MAX_SIZE", 2))))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("THUMBNAIL_MAX_SIZE");
    }

    @Test
    void schemaTakesExactlyOneWayForTheSourcesToReachAws() {
        // Knative Eventing refuses an AWS source or sink with neither; both would leave the choice to Knative.
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("aws", Map.of("eventingAuth", Map.of("secretName", "")))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("eventingAuth");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("aws", Map.of("eventingAuth",
                Map.of("serviceAccount", Map.of("name", "sqs-reader"))))))
                .isInstanceOf(ManifestException.class).hasMessageContaining("eventingAuth");
        assertThat(Chart.render(CHART, Map.of("aws", Map.of("eventingAuth",
                Map.of("secretName", "", "serviceAccount", Map.of("name", "sqs-reader"))))))
                .contains("serviceAccountName: sqs-reader").doesNotContain("secret:\n");
    }

    @Test
    void schemaRefusesWhatKnativeWouldRefuseAtInstall() {
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("functionDefaults", Map.of("timeoutSeconds", 900))))
                .as("above max-revision-timeout-seconds").isInstanceOf(ManifestException.class).hasMessageContaining("timeoutSeconds");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("eventing", Map.of("broker", Map.of("class", "Kafka")))))
                .as("the Kafka broker needs its bootstrap servers").isInstanceOf(ManifestException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> Chart.render(CHART, Map.of("eventing", Map.of("broker", Map.of("delivery", Map.of("backoffDelay", "PT0.25S"))))))
                .as("Knative keeps one decimal place").isInstanceOf(ManifestException.class).hasMessageContaining("backoffDelay");
    }

    @Test
    void scheduledTasksTriggerNamesTheReleaseNamespace() {
        Manifests manifests = Manifests.parse(Chart.render(CHART, Map.of(), "jobs"));
        Trigger trigger = manifests.find(Trigger.class, "scheduled-tasks").orElseThrow();

        assertThat(trigger.getSpec().getFilters().getFirst().getExact())
                .containsEntry("source", "/apis/v1/namespaces/jobs/pingsources/hourly");
        assertThat(ManifestChecks.routing(manifests)).isEmpty();
        assertThat(manifests.all()).extracting(HasMetadata::getMetadata).allSatisfy(m -> assertThat(m.getNamespace()).isEqualTo("jobs"));
    }

    private static Map<String, String> envOf(Manifests manifests, String function) {
        return Manifests.plainEnv(manifests.find(Service.class, function).orElseThrow());
    }

    private static String roleOf(Manifests manifests, String function) {
        var account = manifests.serviceAccounts().stream().filter(sa -> sa.getMetadata().getName().equals(function)).findFirst().orElseThrow();
        return account.getMetadata().getAnnotations() == null ? null : account.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn");
    }

    private static String[] union(Set<String> common, String... more) {
        var all = new java.util.TreeSet<>(common);
        all.addAll(java.util.List.of(more));
        return all.toArray(String[]::new);
    }
}
