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
        // The email source now stamps queue=mail, but email-worker's Trigger still wants queue=email.
        Manifests manifests = render(Map.of("eventing", Map.of("sqsSources", Map.of("email", Map.of("queueExtension", "mail")))));

        assertThat(ManifestChecks.routing(manifests)).singleElement().asString()
                .contains("IntegrationSource/email-queue").contains("queue=mail").contains("no Trigger takes");
    }

    @Test
    void replyTypeIsReportedOnceItIsNoLongerDeclaredUnrouted() {
        Manifests manifests = render(Map.of("eventing", Map.of("unroutedTypes", List.of())));

        assertThat(ManifestChecks.routing(manifests)).singleElement().asString()
                .contains("Service/file-processor").contains("dev.serverlessapp.file.processed");
    }

    @Test
    void staleUnroutedDeclarationIsReportedWhenATriggerTakesTheType() {
        // A notifier now subscribes to file.processed: the declaration "nothing takes it" is wrong.
        Manifests manifests = render(Map.of("functions", Map.of("email-worker", Map.of("trigger", Map.of("filters", List.of(
                Map.of("any", List.of(
                        Map.of("exact", Map.of("type", "dev.knative.eventing.aws-sqs", "queue", "email")),
                        Map.of("exact", Map.of("type", "dev.serverlessapp.file.processed"))))))))));

        assertThat(ManifestChecks.routing(manifests)).singleElement().asString()
                .contains("declared unrouted").contains("Service/email-worker");
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

        assertThat(ManifestChecks.containers(manifests)).containsExactlyInAnyOrder(
                "Service user-api does not set enableServiceLinks: false",
                "Service user-api container function liveness probe is missing (an HTTP GET probe is expected)",
                "Service user-api container function has no cpu limit",
                "Service user-api container function has no memory limit",
                "Service user-api container function does not set allowPrivilegeEscalation: false",
                "Service user-api container function does not drop ALL capabilities");
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
        Manifests manifests = render(Map.of("common", Map.of("idempotencyLease", "PT2M")));

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
        Manifests manifests = render(Map.of("functions", Map.of("email-worker", Map.of("requestDeadline", "PT60S"))));

        assertThat(ManifestChecks.claimsAndDelivery(manifests)).singleElement().asString()
                .contains("Trigger email-worker (Service email-worker)")
                .contains("REQUEST_DEADLINE PT1M is not shorter than the delivery timeout PT1M");
    }
}
