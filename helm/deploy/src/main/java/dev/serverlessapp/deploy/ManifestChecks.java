package dev.serverlessapp.deploy;

import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import dev.serverlessapp.deploy.upstream.IsoPeriod;
import dev.serverlessapp.deploy.upstream.KnativeCron;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the rendered manifests must mean, beyond being well-formed. Each check returns the problems
 * it found as sentences; an empty list means the check holds.
 */
public final class ManifestChecks {

    public static final String UNROUTED_ANNOTATION = "serverless-app.dev/unrouted-types";
    public static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";
    /** Knative Serving's revision-timeout-seconds default, for a Service that sets none. */
    static final long KNATIVE_DEFAULT_TIMEOUT_SECONDS = 300;

    private ManifestChecks() {
    }

    /** Every check below, together. */
    public static List<String> all(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        problems.addAll(references(manifests));
        problems.addAll(routing(manifests));
        problems.addAll(schedules(manifests));
        problems.addAll(containers(manifests));
        problems.addAll(podSecurity(manifests));
        problems.addAll(deliveryTimeouts(manifests));
        problems.addAll(claimsAndDelivery(manifests));
        return problems;
    }

    /**
     * Each Trigger's per-attempt delivery timeout (its own, else its Broker's) is at least its
     * subscriber's timeoutSeconds: a shorter one counts an attempt still at work as failed and sends
     * the event again while it runs. A Trigger with a delivery of its own repeats the Broker's
     * retries and dead-letter sink: the channel-based broker uses a Trigger's delivery instead of
     * the Broker's (reconciler/broker/trigger), so what it leaves out is lost.
     */
    public static List<String> deliveryTimeouts(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (Trigger trigger : manifests.triggers()) {
            String name = "Trigger " + trigger.getMetadata().getName();
            var own = trigger.getSpec().getDelivery();
            var brokerDelivery = manifests.find(Broker.class, trigger.getSpec().getBroker())
                    .map(b -> b.getSpec() == null ? null : b.getSpec().getDelivery()).orElse(null);
            String timeout = own != null && own.getTimeout() != null ? own.getTimeout() : brokerDelivery == null ? null : brokerDelivery.getTimeout();
            KReference subscriber = ref(trigger.getSpec().getSubscriber());
            var service = subscriber == null ? java.util.Optional.<Service>empty() : manifests.find(Service.class, subscriber.getName());
            if (timeout != null && service.isPresent()) {
                Long seconds = service.get().getSpec().getTemplate().getSpec().getTimeoutSeconds();
                long allowed = seconds == null || seconds == 0 ? KNATIVE_DEFAULT_TIMEOUT_SECONDS : seconds;
                var period = IsoPeriod.parse(timeout);
                if (period.isPresent() && period.get().approximate().compareTo(Duration.ofSeconds(allowed)) < 0) {
                    problems.add(name + " gives each attempt " + timeout + (own != null && own.getTimeout() != null ? "" : " (the Broker's)")
                            + ", less than Service " + subscriber.getName() + "'s timeoutSeconds " + allowed
                            + ": an attempt still at work would be counted as failed and the event sent again");
                }
            }
            if (own != null && brokerDelivery != null) {
                if (own.getDeadLetterSink() == null && brokerDelivery.getDeadLetterSink() != null) {
                    problems.add(name + " has a delivery of its own without the Broker's dead-letter sink: its failed events would be dropped");
                }
                if (own.getRetry() == null && brokerDelivery.getRetry() != null) {
                    problems.add(name + " has a delivery of its own without the Broker's retries: its events would get one attempt");
                }
            }
        }
        return problems;
    }

    /**
     * Every function's pod, as Knative runs it (with its queue-proxy), meets the "restricted" Pod
     * Security Standard. What the namespace itself can enforce is {@link PodSecurity#enforceableLevel}.
     */
    public static List<String> podSecurity(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        PodSecurity.pods(manifests).forEach((pod, spec) -> {
            if (pod.startsWith("Service ")) {
                PodSecurity.violations(spec, PodSecurity.RESTRICTED).forEach(v -> problems.add(pod + " " + v));
            }
        });
        return problems;
    }

    /** Triggers, sources and the broker's dead-letter sink point at resources that are rendered. */
    public static List<String> references(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (Trigger trigger : manifests.triggers()) {
            String name = trigger.getMetadata().getName();
            if (manifests.find(Broker.class, trigger.getSpec().getBroker()).isEmpty()) {
                problems.add("Trigger " + name + " uses broker " + trigger.getSpec().getBroker() + ", which is not rendered");
            }
            KReference subscriber = ref(trigger.getSpec().getSubscriber());
            if (subscriber == null || !"Service".equals(subscriber.getKind())
                    || !"serving.knative.dev/v1".equals(subscriber.getApiVersion())
                    || manifests.find(Service.class, subscriber.getName()).isEmpty()) {
                problems.add("Trigger " + name + " delivers to " + describe(subscriber) + ", which is not a rendered Knative Service");
            }
        }
        for (PingSource ping : manifests.pingSources()) {
            problems.addAll(sinkIsRendered(manifests, "PingSource " + ping.getMetadata().getName(), ping.getSpec().getSink()));
        }
        manifests.integrationSources().forEach(source ->
                problems.addAll(sinkIsRendered(manifests, "IntegrationSource " + source.getMetadata().getName(), source.getSpec().getSink())));
        for (Broker broker : manifests.brokers()) {
            var delivery = broker.getSpec() == null ? null : broker.getSpec().getDelivery();
            if (delivery == null || delivery.getDeadLetterSink() == null) {
                problems.add("Broker " + broker.getMetadata().getName() + " has no dead-letter sink: failed events would be dropped");
            } else {
                problems.addAll(sinkIsRendered(manifests, "Broker " + broker.getMetadata().getName() + " dead letters", delivery.getDeadLetterSink()));
            }
        }
        for (Service service : manifests.services()) {
            String account = service.getSpec().getTemplate().getSpec().getServiceAccountName();
            if (account == null || manifests.serviceAccounts().stream().noneMatch(sa -> sa.getMetadata().getName().equals(account))) {
                problems.add("Service " + service.getMetadata().getName() + " runs as ServiceAccount " + account + ", which is not rendered");
            }
        }
        return problems;
    }

    /**
     * Every emitted event enters a Broker and reaches a Trigger there, or its type is declared unrouted;
     * an event from a source (work) reaches exactly one; a type declared unrouted that a Trigger does take
     * is a stale declaration; an SQS source does not rely on ceOverrides, which its connector ignores.
     */
    public static List<String> routing(Manifests manifests) {
        Set<String> unrouted = manifests.brokers().stream()
                .map(b -> b.getMetadata().getAnnotations() == null ? "" : b.getMetadata().getAnnotations().getOrDefault(UNROUTED_ANNOTATION, ""))
                .flatMap(list -> Arrays.stream(list.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (EmittedEvent event : EmittedEvent.of(manifests)) {
            if (event.broker() == null) {
                problems.add(event.emitter() + " does not send to a Broker: its events would get no retries, no dead-letter sink and no Trigger");
                continue;
            }
            List<String> takers = subscribersOf(manifests, event.broker(), event.attributes());
            if (takers.isEmpty() && !unrouted.contains(event.type())) {
                problems.add(event + ", which no Trigger takes and which is not declared unrouted");
            }
            if (!takers.isEmpty() && unrouted.contains(event.type())) {
                problems.add(event.type() + " is declared unrouted but Triggers " + takers + " take it");
            }
            if (event.fromSource() && takers.size() > 1) {
                problems.add(event + " reaches " + takers + ": a source's event is work for exactly one function");
            }
        }
        for (IntegrationSource source : manifests.integrationSources()) {
            var overrides = source.getSpec().getCeOverrides();
            boolean sqs = source.getSpec().getAws() != null && source.getSpec().getAws().getSqs() != null;
            if (sqs && overrides != null && overrides.getExtensions() != null && !overrides.getExtensions().isEmpty()) {
                problems.add("IntegrationSource " + source.getMetadata().getName() + " sets ceOverrides " + overrides.getExtensions()
                        + ", which Knative's SQS connector ignores (sqs-connector's SqsSourceConnectorTest): "
                        + "tell its events apart by the Broker it sinks into");
            }
        }
        return problems;
    }

    /** The Services whose Triggers on this Broker let an event with these attributes through. */
    public static List<String> subscribersOf(Manifests manifests, String broker, EventAttributes event) {
        return manifests.triggers().stream()
                .filter(trigger -> broker.equals(trigger.getSpec().getBroker()))
                .filter(trigger -> TriggerFilters.matches(trigger, event))
                .map(trigger -> describe(ref(trigger.getSpec().getSubscriber())))
                .toList();
    }

    /**
     * PingSource schedules and time zones as Knative Eventing reads them (robfig/cron with optional
     * seconds and descriptors, Go's time zone names): {@link KnativeCron}.
     */
    public static List<String> schedules(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (PingSource ping : manifests.pingSources()) {
            String name = ping.getMetadata().getName();
            String schedule = ping.getSpec().getSchedule();
            KnativeCron.scheduleProblem(schedule).ifPresent(problem ->
                    problems.add("PingSource " + name + " schedule '" + schedule + "' is not a valid cron: " + problem));
            String zone = ping.getSpec().getTimezone();
            if (zone != null && !KnativeCron.isGoLocation(zone)) {
                problems.add("PingSource " + name + " timezone '" + zone + "' is not a time zone");
            }
        }
        return problems;
    }

    /**
     * Every function container has both probes on its port, requests and limits, and a read-only
     * root file system; its pod does not get service links.
     */
    public static List<String> containers(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (Service service : manifests.services()) {
            String name = "Service " + service.getMetadata().getName();
            var pod = service.getSpec().getTemplate().getSpec();
            if (!Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
                problems.add(name + " does not set enableServiceLinks: false");
            }
            for (Container container : pod.getContainers()) {
                String where = name + " container " + container.getName();
                problems.addAll(probe(where + " readiness probe", container.getReadinessProbe()));
                problems.addAll(probe(where + " liveness probe", container.getLivenessProbe()));
                if (container.getPorts().size() != 1 || container.getPorts().getFirst().getContainerPort() != 8080) {
                    problems.add(where + " must expose exactly containerPort 8080");
                }
                var resources = container.getResources();
                for (String resource : List.of("cpu", "memory")) {
                    if (resources == null || resources.getLimits() == null || !resources.getLimits().containsKey(resource)) {
                        problems.add(where + " has no " + resource + " limit");
                    }
                    if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey(resource)) {
                        problems.add(where + " has no " + resource + " request");
                    }
                }
                if (container.getSecurityContext() == null || !Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
                    problems.add(where + " has a writable root file system");
                }
            }
        }
        return problems;
    }

    /**
     * The broker's delivery and the functions' claims agree (README: Idempotency). Its retries must
     * reach past IDEMPOTENCY_LEASE, so that when a handler dies holding an event's claim, a retry
     * comes after the claim has lapsed and takes the event over, instead of the event being
     * dead-lettered as 409 while the claim still holds. And each function answers within its
     * REQUEST_DEADLINE, before the delivery timeout cuts the attempt off.
     */
    public static List<String> claimsAndDelivery(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (Trigger trigger : manifests.triggers()) {
            KReference subscriber = ref(trigger.getSpec().getSubscriber());
            Service service = subscriber == null ? null : manifests.find(Service.class, subscriber.getName()).orElse(null);
            if (service == null) {
                continue; // references() reports it
            }
            DeliverySpec delivery = trigger.getSpec().getDelivery() != null ? trigger.getSpec().getDelivery()
                    : manifests.find(Broker.class, trigger.getSpec().getBroker())
                            .map(broker -> broker.getSpec().getDelivery()).orElse(null);
            String where = "Trigger " + trigger.getMetadata().getName() + " (Service " + subscriber.getName() + ")";
            Map<String, String> env = new HashMap<>();
            Manifests.container(service).getEnv().stream().filter(e -> e.getValue() != null)
                    .forEach(e -> env.put(e.getName(), e.getValue()));
            try {
                Duration lease = duration(env.get("IDEMPOTENCY_LEASE"));
                Duration retries = retrySpan(delivery);
                if (lease != null && retries.compareTo(lease) <= 0) {
                    problems.add(where + ": the broker's retries end " + retries + " after the first failure, within "
                            + "IDEMPOTENCY_LEASE " + lease + ": an event whose handler died would be dead-lettered (409) "
                            + "before its claim lapses; retry longer or shorten the lease");
                }
                Duration deadline = duration(env.get("REQUEST_DEADLINE"));
                Duration timeout = delivery == null ? null : knativeDuration(delivery.getTimeout());
                if (deadline != null && timeout != null && deadline.compareTo(timeout) >= 0) {
                    problems.add(where + ": REQUEST_DEADLINE " + deadline + " is not shorter than the delivery timeout "
                            + timeout + ": the broker would give up on an attempt before the function answers");
                }
            } catch (DateTimeParseException e) {
                problems.add(where + ": a delivery or claim duration is not ISO-8601: " + e.getParsedString());
            }
        }
        return problems;
    }

    /**
     * How long after the first failed attempt Knative makes its last retry. Its backoff counts retries
     * from 0 (go-retryablehttp's attempt number): retry n waits delay × 2^(n-1) (exponential) or
     * delay × (n-1) (linear); without both a policy and a delay it does not wait at all.
     */
    static Duration retrySpan(DeliverySpec delivery) {
        if (delivery == null || delivery.getRetry() == null || delivery.getBackoffDelay() == null
                || delivery.getBackoffPolicy() == null) {
            return Duration.ZERO;
        }
        Duration delay = knativeDuration(delivery.getBackoffDelay());
        if (delay == null) {
            return Duration.ZERO;
        }
        Duration span = Duration.ZERO;
        for (int attempt = 0; attempt < delivery.getRetry(); attempt++) {
            span = span.plus("linear".equalsIgnoreCase(delivery.getBackoffPolicy())
                    ? delay.multipliedBy(attempt)
                    : delay.multipliedBy(1L << Math.min(attempt, 30)));
        }
        return span;
    }

    /** A setting Spring reads (java.time's ISO-8601 durations). */
    private static Duration duration(String iso) {
        return iso == null || iso.isBlank() ? null : Duration.parse(iso);
    }

    /** A delivery duration as Knative reads it ({@link IsoPeriod}); one it refuses is the webhook rules' to report. */
    private static Duration knativeDuration(String iso) {
        return iso == null || iso.isBlank() ? null : IsoPeriod.parse(iso).map(IsoPeriod::approximate).orElse(null);
    }

    /** The Services that cannot scale to zero (min-scale above 0). */
    public static Set<String> keptWarm(Manifests manifests) {
        return manifests.services().stream()
                .filter(service -> {
                    Map<String, String> annotations = service.getSpec().getTemplate().getMetadata().getAnnotations();
                    String min = annotations == null ? null : annotations.get(MIN_SCALE);
                    return min != null && Integer.parseInt(min) > 0;
                })
                .map(service -> service.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private static List<String> probe(String where, Probe probe) {
        if (probe == null || probe.getHttpGet() == null) {
            return List.of(where + " is missing (an HTTP GET probe is expected)");
        }
        var port = probe.getHttpGet().getPort();
        if (port != null && !Objects.equals(port.getIntVal(), 8080)) {
            return List.of(where + " probes port " + port + ", not the container port 8080");
        }
        return List.of();
    }

    private static List<String> sinkIsRendered(Manifests manifests, String what, Destination sink) {
        KReference ref = ref(sink);
        if (ref == null) {
            return sink != null && sink.getUri() != null ? List.of() : List.of(what + " has no sink");
        }
        boolean rendered = manifests.all().stream().anyMatch(r -> matches(r, ref));
        return rendered ? List.of() : List.of(what + " sends to " + describe(ref) + ", which is not rendered");
    }

    private static boolean matches(HasMetadata resource, KReference ref) {
        return resource.getApiVersion().equals(ref.getApiVersion())
                && resource.getKind().equals(ref.getKind())
                && resource.getMetadata().getName().equals(ref.getName());
    }

    private static KReference ref(Destination destination) {
        return destination == null ? null : destination.getRef();
    }

    private static String describe(KReference ref) {
        return ref == null ? "nothing" : ref.getKind() + "/" + ref.getName();
    }
}
