package dev.serverlessapp.deploy;

import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.pkg.apis.Condition;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sinks.v1alpha1.IntegrationSink;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Waits on a live cluster until every Knative resource of the manifests is Ready, then says which
 * are not and why (the Ready condition's reason and message, as {@code kubectl get} would show).
 */
public final class Verify {

    /** The kinds that have a Ready condition worth waiting for. */
    static final Set<Class<? extends HasMetadata>> WAITED_FOR = Set.of(
            Service.class, Broker.class, Trigger.class, PingSource.class, IntegrationSource.class, IntegrationSink.class);

    private final KubernetesClient client;
    private final String namespace;

    public Verify(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** One resource's state. */
    public record Status(String kind, String name, boolean ready, String reason, String message) {

        @Override
        public String toString() {
            return kind + "/" + name + (ready ? " Ready" : " NOT READY: " + reason + (message.isEmpty() ? "" : " - " + message));
        }
    }

    /** The outcome: every resource's state, the ones not ready first. */
    public record Report(List<Status> statuses) {

        public boolean allReady() {
            return statuses.stream().allMatch(Status::ready);
        }

        public List<Status> notReady() {
            return statuses.stream().filter(status -> !status.ready()).toList();
        }
    }

    /** Polls until all are Ready or the timeout passes; the report then names those still not Ready. */
    public Report waitForReady(Manifests expected, Duration timeout, Duration pollEvery) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Report report = check(expected);
            if (report.allReady() || Instant.now().isAfter(deadline)) {
                return report;
            }
            Thread.sleep(pollEvery.toMillis());
        }
    }

    /** One look at the cluster. */
    public Report check(Manifests expected) {
        List<Status> statuses = new ArrayList<>();
        for (HasMetadata resource : expected.all()) {
            if (WAITED_FOR.contains(resource.getClass())) {
                statuses.add(statusOf(resource.getClass(), resource.getKind(), resource.getMetadata().getName()));
            }
        }
        statuses.sort((a, b) -> Boolean.compare(a.ready(), b.ready()));
        return new Report(statuses);
    }

    private Status statusOf(Class<? extends HasMetadata> type, String kind, String name) {
        HasMetadata live;
        try {
            live = client.resources(type).inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            // No cluster, no CRD (Knative not installed) or no permission: say so, keep waiting.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Status(kind, name, false, "Unreadable", cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        if (live == null) {
            return new Status(kind, name, false, "NotFound", "not in namespace " + namespace);
        }
        return conditions(live).stream()
                .filter(condition -> "Ready".equals(condition.getType()))
                .findFirst()
                .map(ready -> new Status(kind, name, "True".equals(ready.getStatus()),
                        ready.getReason() == null ? "Ready=" + ready.getStatus() : ready.getReason(),
                        ready.getMessage() == null ? "" : ready.getMessage()))
                .orElse(new Status(kind, name, false, "NoReadyCondition", "not reconciled yet"));
    }

    private static List<Condition> conditions(HasMetadata live) {
        List<Condition> conditions = switch (live) {
            case Service service when service.getStatus() != null -> service.getStatus().getConditions();
            case Broker broker when broker.getStatus() != null -> broker.getStatus().getConditions();
            case Trigger trigger when trigger.getStatus() != null -> trigger.getStatus().getConditions();
            case PingSource ping when ping.getStatus() != null -> ping.getStatus().getConditions();
            case IntegrationSource source when source.getStatus() != null -> source.getStatus().getConditions();
            case IntegrationSink sink when sink.getStatus() != null -> sink.getStatus().getConditions();
            default -> null;
        };
        return conditions == null ? List.of() : conditions;
    }
}
