package dev.serverlessapp.deploy;

import dev.serverlessapp.contract.Events;
import io.fabric8.knative.duck.v1.CloudEventOverrides;
import io.fabric8.knative.duck.v1.Destination;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.PingSource;
import io.fabric8.knative.sources.v1alpha1.IntegrationSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event that something in the manifests puts on a Broker: the Broker it enters and the attributes a
 * Trigger can filter on (the id and time, which differ for every event, left out).
 */
public record EmittedEvent(String emitter, String broker, EventAttributes attributes) {

    /** Service annotation listing the event types a function replies with. */
    public static final String REPLIES_ANNOTATION = "serverless-app.dev/replies";

    public String type() {
        return attributes.context().get("type");
    }

    /** Sent by a source (PingSource, IntegrationSource): work that exactly one function must take. */
    public boolean fromSource() {
        return !emitter.startsWith("Service/");
    }

    /** Everything the manifests' sources emit and their functions reply with, where it enters. */
    public static List<EmittedEvent> of(Manifests manifests) {
        List<EmittedEvent> events = new ArrayList<>();
        for (PingSource ping : manifests.pingSources()) {
            String name = ping.getMetadata().getName();
            Map<String, String> context = context(Events.PING, Events.pingSource(ping.getMetadata().getNamespace(), name));
            if (ping.getSpec().getContentType() != null) {
                context.put("datacontenttype", ping.getSpec().getContentType());
            }
            events.add(new EmittedEvent("PingSource/" + name, broker(ping.getSpec().getSink()),
                    new EventAttributes(context, extensions(ping.getSpec().getCeOverrides()))));
        }
        for (IntegrationSource source : manifests.integrationSources()) {
            var aws = source.getSpec().getAws();
            if (aws != null && aws.getSqs() != null) {
                // The connector never reads ceOverrides (K_CE_OVERRIDES): its events carry no extension.
                Map<String, String> context = context(Events.SQS, Events.SQS_SOURCE);
                context.put("subject", Events.SQS_SUBJECT);
                context.put("datacontenttype", Events.SQS_CONTENT_TYPE);
                events.add(new EmittedEvent("IntegrationSource/" + source.getMetadata().getName(),
                        broker(source.getSpec().getSink()), new EventAttributes(context, Map.of())));
            }
        }
        for (Service service : manifests.services()) {
            String name = service.getMetadata().getName();
            String replies = service.getMetadata().getAnnotations() == null
                    ? null : service.getMetadata().getAnnotations().get(REPLIES_ANNOTATION);
            if (replies == null || replies.isBlank()) {
                continue;
            }
            // A reply goes back into the Broker of the Trigger that delivered the event.
            for (Trigger trigger : manifests.triggers()) {
                var subscriber = trigger.getSpec().getSubscriber();
                if (subscriber != null && subscriber.getRef() != null && "Service".equals(subscriber.getRef().getKind())
                        && name.equals(subscriber.getRef().getName())) {
                    for (String type : replies.split(",")) {
                        events.add(new EmittedEvent("Service/" + name, trigger.getSpec().getBroker(),
                                new EventAttributes(context(type.trim(), Events.replySource(name)), Map.of())));
                    }
                }
            }
        }
        return events;
    }

    /** The Broker a sink names, or null when it is something else (then no Trigger sees the event). */
    private static String broker(Destination sink) {
        return sink != null && sink.getRef() != null && "Broker".equals(sink.getRef().getKind())
                ? sink.getRef().getName() : null;
    }

    private static Map<String, String> context(String type, String source) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("specversion", "1.0");
        context.put("type", type);
        context.put("source", source);
        return context;
    }

    private static Map<String, String> extensions(CloudEventOverrides overrides) {
        return overrides == null || overrides.getExtensions() == null ? Map.of() : overrides.getExtensions();
    }

    @Override
    public String toString() {
        return emitter + " → Broker " + broker + ": " + attributes.context()
                + (attributes.extensions().isEmpty() ? "" : " " + attributes.extensions());
    }
}
