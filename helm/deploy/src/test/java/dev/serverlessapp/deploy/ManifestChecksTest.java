package dev.serverlessapp.deploy;

import static dev.serverlessapp.deploy.ChartFixtures.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.knative.serving.v1.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each check catches the mistake it exists for (values an operator could plausibly set). */
class ManifestChecksTest {

    @Test
    void sourceWhoseEventsNoTriggerTakesIsReported() {
        // The email source now sinks into Broker mail, but email-worker's Trigger still listens on email.
        Manifests manifests = render(Map.of("eventing", Map.of("sqsSources", Map.of("email", Map.of("broker", "mail")))));

        assertThat(ManifestChecks.routing(manifests)).singleElement().asString()
                .contains("IntegrationSource/email-queue").contains("Broker mail").contains("no Trigger takes");
    }

    @Test
    void routingByAQueueExtensionIsReportedTwice() {
        // The design this chart had: both sources into one Broker, told apart by ceOverrides' `queue`.
        Manifests manifests = render(Map.of("eventing", Map.of("sqsSources", Map.of(
                        "email", Map.of("broker", "serverless-app"), "uploads", Map.of("broker", "serverless-app"))),
                "functions", Map.of(
                        "email-worker", Map.of("trigger", Map.of("broker", "serverless-app", "filters", List.of(
                                Map.of("exact", Map.of("type", "dev.knative.eventing.aws-sqs", "queue", "email"))))),
                        "file-processor", Map.of("trigger", Map.of("broker", "serverless-app", "filters", List.of(
                                Map.of("exact", Map.of("type", "dev.knative.eventing.aws-sqs", "queue", "uploads"))))))));
        manifests.integrationSources().forEach(source -> source.getSpec().setCeOverrides(
                new io.fabric8.knative.duck.v1.CloudEventOverrides(Map.of("queue", source.getMetadata().getName().replace("-queue", "")))));

        assertThat(ManifestChecks.routing(manifests)).hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("IntegrationSource/email-queue").contains("no Trigger takes"))
                .anySatisfy(p -> assertThat(p).contains("IntegrationSource/uploads-queue").contains("no Trigger takes"))
                .anySatisfy(p -> assertThat(p).contains("IntegrationSource email-queue sets ceOverrides").contains("ignores"))
                .anySatisfy(p -> assertThat(p).contains("IntegrationSource uploads-queue sets ceOverrides"));
    }

    @Test
    void sourceEventThatReachesTwoFunctionsIsReported() {
        // Both SQS sources into one Broker, each function taking every SQS event there.
        Manifests manifests = render(Map.of("eventing", Map.of("sqsSources", Map.of(
                        "email", Map.of("broker", "serverless-app"), "uploads", Map.of("broker", "serverless-app"))),
                "functions", Map.of(
                        "email-worker", Map.of("trigger", Map.of("broker", "serverless-app")),
                        "file-processor", Map.of("trigger", Map.of("broker", "serverless-app")))));

        assertThat(ManifestChecks.routing(manifests)).hasSize(2).allSatisfy(p -> assertThat(p)
                .contains("reaches [Service/email-worker, Service/file-processor]").contains("exactly one function"));
    }

    @Test
    void replyTypeIsReportedOnceItIsNoLongerDeclaredUnrouted() {
        Manifests manifests = render(Map.of("eventing", Map.of("unroutedTypes", List.of())));

        assertThat(ManifestChecks.routing(manifests)).singleElement().asString()
                .contains("Service/file-processor").contains("dev.serverlessapp.file.processed");
    }

    @Test
    void staleUnroutedDeclarationIsReportedWhenATriggerTakesTheType() {
        // email-worker now takes file.processed on the uploads Broker, where it arrives: the declaration
        // "nothing takes it" is wrong (and the email queue's events now reach nobody).
        Manifests manifests = render(Map.of("functions", Map.of("email-worker", Map.of("trigger", Map.of("broker", "uploads",
                "filters", List.of(Map.of("exact", Map.of("type", "dev.serverlessapp.file.processed"))))))));

        assertThat(ManifestChecks.routing(manifests)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("declared unrouted").contains("Service/email-worker"))
                .anySatisfy(p -> assertThat(p).contains("IntegrationSource/email-queue").contains("no Trigger takes"));
    }

    @Test
    void invalidScheduleAndTimezoneAreReported() {
        Manifests manifests = render(Map.of("eventing", Map.of("ping", Map.of("schedule", "61 * * * *", "timezone", "Mars/Olympus"))));

        assertThat(ManifestChecks.schedules(manifests)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("'61 * * * *' is not a valid cron"))
                .anySatisfy(p -> assertThat(p).contains("'Mars/Olympus' is not a time zone"));
        assertThat(ManifestChecks.schedules(render(Map.of("eventing", Map.of("ping", Map.of("schedule", "@hourly")))))).isEmpty();
    }

    @Test
    void triggerToAServiceThatIsNotRenderedIsReported() {
        Manifests manifests = render(Map.of());
        manifests.triggers().getFirst().getSpec().getSubscriber().getRef().setName("email-sender");

        assertThat(ManifestChecks.references(manifests)).singleElement().asString()
                .contains("Service/email-sender").contains("not a rendered Knative Service");
    }

    @Test
    void containerWithoutLimitsProbesOrRestrictedContextIsReported() {
        Manifests manifests = render(Map.of());
        Service service = manifests.find(Service.class, "user-api").orElseThrow();
        var container = Manifests.container(service);
        container.getResources().setLimits(null);
        container.setLivenessProbe(null);
        container.getSecurityContext().setAllowPrivilegeEscalation(true);
        container.getSecurityContext().getCapabilities().setDrop(List.of("NET_RAW"));
        service.getSpec().getTemplate().getSpec().setEnableServiceLinks(null);

        List<String> problems = new java.util.ArrayList<>(ManifestChecks.containers(manifests));
        problems.addAll(ManifestChecks.podSecurity(manifests));
        assertThat(problems).containsExactlyInAnyOrder(
                "Service user-api does not set enableServiceLinks: false",
                "Service user-api container function liveness probe is missing (an HTTP GET probe is expected)",
                "Service user-api container function has no cpu limit",
                "Service user-api container function has no memory limit",
                "Service user-api container function does not set allowPrivilegeEscalation: false",
                "Service user-api container function does not drop ALL capabilities");
    }

    @Test
    void triggerWhoseTimeoutIsShorterThanItsFunctionsIsReported() {
        // scheduled-tasks may run 300 s; a 2-minute per-attempt timeout would retry a run still at work.
        Manifests manifests = render(Map.of("functions", Map.of("scheduled-tasks", Map.of("trigger", Map.of("deliveryTimeout", "PT2M")))));

        assertThat(ManifestChecks.deliveryTimeouts(manifests)).singleElement().asString()
                .isEqualTo("Trigger scheduled-tasks gives each attempt PT2M, less than Service scheduled-tasks's timeoutSeconds 300: "
                        + "an attempt still at work would be counted as failed and the event sent again");
    }

    @Test
    void longJobsGetATriggerTimeoutOfTheirOwnWithTheBrokersRetriesAndDeadLetters() {
        Manifests manifests = render(Map.of());
        var delivery = manifests.find(io.fabric8.knative.eventing.v1.Trigger.class, "scheduled-tasks").orElseThrow().getSpec().getDelivery();

        assertThat(delivery.getTimeout()).isEqualTo("PT300S");
        assertThat(delivery.getRetry()).isEqualTo(5);
        assertThat(delivery.getDeadLetterSink().getRef().getName()).isEqualTo("dead-letters");
        assertThat(manifests.find(io.fabric8.knative.eventing.v1.Trigger.class, "email-worker").orElseThrow().getSpec().getDelivery())
                .as("60 s functions keep the Broker's 60 s").isNull();
        assertThat(ManifestChecks.deliveryTimeouts(manifests)).isEmpty();
    }

    @Test
    void triggerInheritingTooShortABrokerTimeoutIsReported() {
        // Without its own delivery, scheduled-tasks would inherit the Broker's PT60S.
        Manifests manifests = render(Map.of());
        manifests.find(io.fabric8.knative.eventing.v1.Trigger.class, "scheduled-tasks").orElseThrow().getSpec().setDelivery(null);

        assertThat(ManifestChecks.deliveryTimeouts(manifests)).singleElement().asString()
                .startsWith("Trigger scheduled-tasks gives each attempt PT60S (the Broker's), less than Service scheduled-tasks's timeoutSeconds 300");
    }

    @Test
    void triggerDeliveryWithoutTheBrokersDeadLettersIsReported() {
        // The channel-based broker takes a Trigger's delivery instead of the Broker's.
        Manifests manifests = render(Map.of());
        var delivery = manifests.find(io.fabric8.knative.eventing.v1.Trigger.class, "scheduled-tasks").orElseThrow().getSpec().getDelivery();
        delivery.setDeadLetterSink(null);
        delivery.setRetry(null);

        assertThat(ManifestChecks.deliveryTimeouts(manifests)).containsExactlyInAnyOrder(
                "Trigger scheduled-tasks has a delivery of its own without the Broker's dead-letter sink: its failed events would be dropped",
                "Trigger scheduled-tasks has a delivery of its own without the Broker's retries: its events would get one attempt");
    }

    @Test
    void functionPodThatAddsACapabilityFailsRestricted() {
        Manifests manifests = render(Map.of());
        Manifests.container(manifests.find(Service.class, "email-worker").orElseThrow()).getSecurityContext()
                .getCapabilities().setAdd(List.of("CHOWN"));

        // CHOWN is in the baseline set, not in the restricted one.
        assertThat(ManifestChecks.podSecurity(manifests)).containsExactly(
                "Service email-worker container function adds capabilities other than NET_BIND_SERVICE: [CHOWN]");
    }

    @Test
    void namespaceEnforcesRestrictedOnlyWithoutKnativesConnectorPods() {
        String rendered = Chart.render(ChartFixtures.CHART, Map.of());
        String withoutConnectors = java.util.Arrays.stream(rendered.split("(?m)^---$"))
                .filter(doc -> !doc.contains("kind: IntegrationSource") && !doc.contains("kind: IntegrationSink"))
                .collect(java.util.stream.Collectors.joining("---"));

        assertThat(PodSecurity.enforceableLevel(Manifests.parse(rendered))).isEqualTo(PodSecurity.BASELINE);
        assertThat(PodSecurity.violations(PodSecurity.CONNECTOR, PodSecurity.RESTRICTED))
                .contains("container source does not set allowPrivilegeEscalation: false");
        assertThat(PodSecurity.violations(PodSecurity.CONNECTOR, PodSecurity.BASELINE)).isEmpty();
        assertThat(PodSecurity.enforceableLevel(Manifests.parse(withoutConnectors))).isEqualTo(PodSecurity.RESTRICTED);
    }

    @Test
    void brokerWithoutDeadLetterSinkIsReported() {
        Manifests manifests = render(Map.of());
        manifests.brokers().getFirst().getSpec().getDelivery().setDeadLetterSink(null);

        assertThat(ManifestChecks.references(manifests)).singleElement().asString().contains("no dead-letter sink");
    }

    @Test
    void defaultDeliveryOutlastsTheLeaseAndEveryDeadlineEndsBeforeTheDeliveryTimeout() {
        assertThat(ManifestChecks.claimsAndDelivery(render(Map.of()))).isEmpty();
        // retry 5, exponential from PT0.5S: 0.5 + 1 + 2 + 4 + 8 s, as Knative counts its backoff.
        assertThat(ManifestChecks.retrySpan(render(Map.of()).brokers().getFirst().getSpec().getDelivery()))
                .isEqualTo(java.time.Duration.ofMillis(15_500));
    }

    @Test
    void leaseLongerThanTheBrokersRetriesIsReportedForEveryTrigger() {
        // The old two-minute lease: a dead handler's claim outlived every retry, and the event was dead-lettered.
        Manifests manifests = render(Map.of("functionDefaults", Map.of("env", Map.of("IDEMPOTENCY_LEASE", "PT2M"))));

        assertThat(ManifestChecks.claimsAndDelivery(manifests)).hasSize(3)
                .allSatisfy(problem -> assertThat(problem).contains("IDEMPOTENCY_LEASE PT2M")
                        .contains("retries end PT15.5S after the first failure").contains("dead-lettered (409)"));
    }

    @Test
    void fewerRetriesThanTheLeaseIsReported() {
        Manifests manifests = render(Map.of("eventing", Map.of("broker", Map.of("delivery", Map.of("retry", 2)))));

        assertThat(ManifestChecks.claimsAndDelivery(manifests)).hasSize(3)
                .allSatisfy(problem -> assertThat(problem).contains("retries end PT1.5S"));
    }

    @Test
    void deadlineNotShorterThanTheDeliveryTimeoutIsReported() {
        Manifests manifests = render(Map.of("functions", Map.of("email-worker", Map.of("env", Map.of("REQUEST_DEADLINE", "PT60S")))));

        assertThat(ManifestChecks.claimsAndDelivery(manifests)).singleElement().asString()
                .contains("Trigger email-worker (Service email-worker)")
                .contains("REQUEST_DEADLINE PT1M is not shorter than the delivery timeout PT1M");
    }
}
