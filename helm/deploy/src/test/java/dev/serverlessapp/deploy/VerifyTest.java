package dev.serverlessapp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.BrokerStatus;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerStatus;
import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.pkg.apis.ConditionBuilder;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.serving.v1.ServiceStatus;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSinkStatus;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1.PingSourceStatus;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSourceStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Verify} against the fabric8 mock API server, which stores what it is sent (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class VerifyTest {

    private static final String NAMESPACE = "serverless-app";

    KubernetesClient client;

    private final Manifests expected = ChartFixtures.render(Map.of());

    @Test
    void installWhoseResourcesAreAllReadyPasses() throws InterruptedException {
        expected.all().stream().filter(VerifyTest::waitedFor).forEach(r -> create(r, ready("True", null, null)));

        Verify.Report report = new Verify(client, NAMESPACE).waitForReady(expected, Duration.ofSeconds(5), Duration.ofMillis(50));

        assertThat(report.allReady()).isTrue();
        assertThat(report.statuses()).hasSize(4 + 3 + 3 + 1 + 2 + 1); // Services, Brokers, Triggers, ping, SQS sources, sink
    }

    @Test
    void resourcesThatAreNotReadyAreNamedWithTheirReason() throws InterruptedException {
        for (HasMetadata resource : expected.all()) {
            if (!waitedFor(resource) || resource.getMetadata().getName().equals("uploads-queue")) {
                continue; // the uploads source was never applied
            }
            switch (resource) {
                case Service s when s.getMetadata().getName().equals("email-worker") ->
                        create(s, ready("False", "RevisionFailed", "Revision \"email-worker-00001\" failed: image pull back-off"));
                case Trigger t when t.getMetadata().getName().equals("file-processor") ->
                        create(t, ready("Unknown", "SubscriberNotReady", "Service file-processor is not ready"));
                case IntegrationSink sink -> create(sink, List.of()); // not reconciled yet: no conditions
                default -> create(resource, ready("True", null, null));
            }
        }

        Verify.Report report = new Verify(client, NAMESPACE).waitForReady(expected, Duration.ofMillis(300), Duration.ofMillis(50));

        assertThat(report.allReady()).isFalse();
        assertThat(report.notReady()).extracting(Verify.Status::toString).containsExactlyInAnyOrder(
                "Service/email-worker NOT READY: RevisionFailed - Revision \"email-worker-00001\" failed: image pull back-off",
                "Trigger/file-processor NOT READY: SubscriberNotReady - Service file-processor is not ready",
                "IntegrationSink/dead-letters NOT READY: NoReadyCondition - not reconciled yet",
                "IntegrationSource/uploads-queue NOT READY: NotFound - not in namespace serverless-app");
        assertThat(report.statuses().subList(0, 4)).as("not ready first").noneMatch(Verify.Status::ready);
    }

    @Test
    void waitsForResourcesThatBecomeReadyLater() throws Exception {
        expected.all().stream().filter(VerifyTest::waitedFor).forEach(r -> create(r, ready("Unknown", "Deploying", "")));
        // Knative's controllers mark them Ready a little later.
        CompletableFuture<Void> controllers = CompletableFuture.runAsync(() -> {
            sleep(300);
            expected.all().stream().filter(VerifyTest::waitedFor).forEach(r -> {
                HasMetadata live = client.resource(r).inNamespace(NAMESPACE).get();
                setConditions(live, ready("True", null, null));
                client.resource(live).inNamespace(NAMESPACE).update();
            });
        });

        Verify.Report report = new Verify(client, NAMESPACE).waitForReady(expected, Duration.ofSeconds(10), Duration.ofMillis(50));

        controllers.get(5, TimeUnit.SECONDS);
        assertThat(report.notReady()).isEmpty();
    }

    private void create(HasMetadata resource, List<Condition> conditions) {
        setConditions(resource, conditions);
        client.resource(resource).inNamespace(NAMESPACE).create();
    }

    private static boolean waitedFor(HasMetadata resource) {
        return Verify.WAITED_FOR.contains(resource.getClass());
    }

    private static List<Condition> ready(String status, String reason, String message) {
        return List.of(new ConditionBuilder().withType("Ready").withStatus(status).withReason(reason).withMessage(message).build());
    }

    private static void setConditions(HasMetadata resource, List<Condition> conditions) {
        switch (resource) {
            case Service s -> { s.setStatus(new ServiceStatus()); s.getStatus().setConditions(conditions); }
            case Broker b -> { b.setStatus(new BrokerStatus()); b.getStatus().setConditions(conditions); }
            case Trigger t -> { t.setStatus(new TriggerStatus()); t.getStatus().setConditions(conditions); }
            case PingSource p -> { p.setStatus(new PingSourceStatus()); p.getStatus().setConditions(conditions); }
            case IntegrationSource i -> { i.setStatus(new IntegrationSourceStatus()); i.getStatus().setConditions(conditions); }
            case IntegrationSink i -> { i.setStatus(new IntegrationSinkStatus()); i.getStatus().setConditions(conditions); }
            default -> throw new IllegalArgumentException(resource.getKind());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
