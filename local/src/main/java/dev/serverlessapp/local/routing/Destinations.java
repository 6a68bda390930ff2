package dev.serverlessapp.local.routing;

import dev.serverlessapp.local.manifests.ChartModel.Destination;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Destinations as Knative resolves them, to the local runtime's URLs: a Service, a Broker, an IntegrationSink, or a URI. */
public final class Destinations {

    private static final Logger log = LoggerFactory.getLogger(Destinations.class);

    private final Map<String, String> services;
    private final UnaryOperator<String> brokerUrl;
    private final String ingressUrl;
    private final Set<String> sinks;

    /**
     * @param services   each Service's URL (its activator's) by name
     * @param brokerUrl  a Broker's ingress URL from its name
     * @param ingressUrl the ingress, which also serves the IntegrationSinks
     * @param sinks      the IntegrationSinks the runtime runs
     */
    public Destinations(Map<String, String> services, UnaryOperator<String> brokerUrl, String ingressUrl, Set<String> sinks) {
        this.services = Map.copyOf(services);
        this.brokerUrl = brokerUrl;
        this.ingressUrl = ingressUrl;
        this.sinks = Set.copyOf(sinks);
    }

    /** The URL, or null for nothing (no destination, or one the local runtime does not run: logged). */
    public URI resolve(Destination destination) {
        if (destination == null) {
            return null;
        }
        String path = destination.uri() == null ? "" : destination.uri();
        if (destination.kind() == null) {
            return path.isBlank() ? null : URI.create(path);
        }
        String name = destination.name();
        String base = switch (destination.kind()) {
            case "Service" -> services.get(name);
            case "Broker" -> brokerUrl.apply(name);
            case "IntegrationSink" -> sinks.contains(name) ? ingressUrl + "/-/sinks/" + name : null;
            default -> null;
        };
        if (base == null) {
            log.warn("{} {} is not something the local runtime runs; events for it are not sent",
                    destination.kind(), name);
            return null;
        }
        return URI.create(base + path);
    }
}
