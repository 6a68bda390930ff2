package dev.serverlessapp.deploy;

import io.fabric8.knative.duck.v1.CloudEventOverrides;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event that something in the manifests puts on the broker, with the CloudEvent attributes a
 * Trigger can filter on (CONTEXT.md, "Event contracts").
 */
public record EmittedEvent(String emitter, Map<String, String> attributes) {

    public static final String PING_TYPE = "dev.knative.sources.ping";
    public static final String SQS_TYPE = "dev.knative.eventing.aws-sqs";
    public static final String SQS_SOURCE = "dev.knative.eventing.aws-sqs-source";
    /** Service annotation listing the event types a function replies with. */
    public static final String REPLIES_ANNOTATION = "serverless-app.dev/replies";

    public String type() {
        return attributes.get("type");
    }

    /** Everything the manifests' sources emit and their functions reply with. */
    public static List<EmittedEvent> of(Manifests manifests) {
        List<EmittedEvent> events = new ArrayList<>();
        for (PingSource ping : manifests.pingSources()) {
            String name = ping.getMetadata().getName();
            String source = "/apis/v1/namespaces/" + ping.getMetadata().getNamespace() + "/pingsources/" + name;
            events.add(event("PingSource/" + name, PING_TYPE, source, ping.getSpec().getCeOverrides()));
        }
        for (IntegrationSource integration : manifests.integrationSources()) {
            var aws = integration.getSpec().getAws();
            if (aws != null && aws.getSqs() != null) {
                events.add(event("IntegrationSource/" + integration.getMetadata().getName(),
                        SQS_TYPE, SQS_SOURCE, integration.getSpec().getCeOverrides()));
            }
        }
        for (Service service : manifests.services()) {
            String name = service.getMetadata().getName();
            String replies = service.getMetadata().getAnnotations() == null
                    ? null : service.getMetadata().getAnnotations().get(REPLIES_ANNOTATION);
            if (replies != null && !replies.isBlank()) {
                for (String type : replies.split(",")) {
                    events.add(event("Service/" + name, type.trim(), "/serverless-app/" + name, null));
                }
            }
        }
        return events;
    }

    private static EmittedEvent event(String emitter, String type, String source, CloudEventOverrides overrides) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("type", type);
        attributes.put("source", source);
        if (overrides != null && overrides.getExtensions() != null) {
            attributes.putAll(overrides.getExtensions());
        }
        return new EmittedEvent(emitter, Map.copyOf(attributes));
    }
}
