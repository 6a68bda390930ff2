package dev.serverlessapp.local;

import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.http.Problems;
import dev.serverlessapp.local.http.RequestBody;
import dev.serverlessapp.local.http.RequestTarget;
import dev.serverlessapp.local.routing.Broker;
import dev.serverlessapp.local.routing.EventRules;
import dev.serverlessapp.local.routing.HttpEvents;
import dev.serverlessapp.local.routing.SqsSink;
import io.cloudevents.CloudEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The broker ingress ({@code POST /<namespace>/<broker>}, binary or structured mode, 202 on acceptance as
 * Knative's), the IntegrationSinks ({@code POST /-/sinks/<name>}), and the runtime's own commands
 * ({@code POST /-/pingsources/<name>} fires a PingSource now). Whatever it refuses gets a 4xx problem
 * detail, and nothing of a refused request is routed or dead-lettered.
 */
final class IngressServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngressServer.class);
    static final int MAX_EVENT_BYTES = 1024 * 1024;
    /** The paths served, in the order routed, with the method each takes: any other method on them is a 405. */
    private static final List<Map.Entry<Pattern, String>> PATHS = List.of(
            Map.entry(Pattern.compile("/-/pingsources/[^/]+"), "POST"),
            Map.entry(Pattern.compile("/-/sinks/[^/]+"), "POST"),
            Map.entry(Pattern.compile("/-/health"), "GET"),
            Map.entry(Pattern.compile("/[^/]+/[^/]+"), "POST"));

    private final String namespace;
    private final Map<String, Broker> brokers;
    private final Map<String, SqsSink> sinks;
    private final Function<String, Mono<CloudEvent>> firePing;
    private final FrontDoor.Timeouts timeouts;
    private final DisposableServer server;
    private final String url;

    IngressServer(String host, int port, String namespace, Map<String, Broker> brokers, Map<String, SqsSink> sinks,
                  Function<String, Mono<CloudEvent>> firePing) {
        this(host, port, namespace, brokers, sinks, firePing, FrontDoor.Timeouts.defaults());
    }

    IngressServer(String host, int port, String namespace, Map<String, Broker> brokers, Map<String, SqsSink> sinks,
                  Function<String, Mono<CloudEvent>> firePing, FrontDoor.Timeouts timeouts) {
        this.namespace = namespace;
        this.brokers = brokers;
        this.sinks = sinks;
        this.firePing = firePing;
        this.timeouts = timeouts;
        this.server = FrontDoor.server(host, port, timeouts)
                .route(routes -> routes
                        .route(request -> RequestTarget.problem(request.uri()).isPresent(), this::badTarget)
                        .post("/-/pingsources/{name}", this::firePing)
                        .post("/-/sinks/{name}", this::sink)
                        .get("/-/health", (request, response) -> response.sendString(Mono.just("ok")))
                        .post("/{namespace}/{broker}", this::ingress)
                        .route(request -> true, this::noRoute))
                .bindNow();
        this.url = FrontDoor.url(host, server.port());
    }

    int port() {
        return server.port();
    }

    String brokerUrl(String broker) {
        return url + "/" + namespace + "/" + broker;
    }

    String url() {
        return url;
    }

    private Mono<Void> ingress(HttpServerRequest request, HttpServerResponse response) {
        Broker broker = namespace.equals(request.param("namespace")) ? brokers.get(request.param("broker")) : null;
        if (broker == null) {
            return noRoute(request, response);
        }
        // Kept first, then accepted (202) and delivered afterwards: the sender never waits on subscribers, as
        // with Knative, and an event that could not be kept is the broker's trouble for now (503, retry it).
        return readEvent(request, response, event -> Mono.defer(() -> broker.accept(event))
                .then(Mono.defer(() -> response.status(HttpResponseStatus.ACCEPTED).send()))
                .onErrorResume(e -> !response.hasSentHeaders(), e -> notKept(response, broker, event, e)));
    }

    private static Mono<Void> notKept(HttpServerResponse response, Broker broker, CloudEvent event, Throwable e) {
        log.error("broker {}: event {} could not be kept", broker.name(), event.getId(), e);
        return Problems.send(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "The event could not be kept: "
                + e.getMessage());
    }

    private Mono<Void> sink(HttpServerRequest request, HttpServerResponse response) {
        SqsSink sink = sinks.get(request.param("name"));
        if (sink == null) {
            return Problems.send(response, HttpResponseStatus.NOT_FOUND, "No IntegrationSink " + request.param("name")
                    + "; there are " + sinks.keySet());
        }
        return readEvent(request, response, event -> sink.send(event)
                .then(response.status(HttpResponseStatus.ACCEPTED).send())
                .onErrorResume(e -> sinkFailed(response, sink, e)));
    }

    /** SQS refusing the message is the event's fault for good (4xx); SQS away is worth a retry (503). */
    private static Mono<Void> sinkFailed(HttpServerResponse response, SqsSink sink, Throwable e) {
        Throwable cause = e.getCause() != null && !(e instanceof SqsException) ? e.getCause() : e;
        if (cause instanceof SqsException sqs && sqs.statusCode() >= 400 && sqs.statusCode() < 500) {
            log.info("sink {}: SQS refused an event: {}", sink.name(), sqs.getMessage());
            return Problems.send(response, HttpResponseStatus.BAD_REQUEST, "SQS refused the event as a message: "
                    + (sqs.awsErrorDetails() == null ? sqs.getMessage() : sqs.awsErrorDetails().errorMessage()));
        }
        log.warn("sink {}: could not send to SQS: {}", sink.name(), e.toString());
        return Problems.send(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "SQS is unavailable: " + e.getMessage());
    }

    private Mono<Void> firePing(HttpServerRequest request, HttpServerResponse response) {
        return firePing.apply(request.param("name"))
                .flatMap(event -> response.status(HttpResponseStatus.ACCEPTED)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/cloudevents+json")
                        .sendByteArray(Mono.just(HttpEvents.json(event))).then())
                .onErrorResume(IllegalArgumentException.class,
                        e -> Problems.send(response, HttpResponseStatus.NOT_FOUND, e.getMessage()));
    }

    /**
     * Reads the event and hands it on only if the broker takes it. Everything refused is refused here,
     * before {@code accept} runs: nothing of it is routed or dead-lettered.
     */
    private Mono<Void> readEvent(HttpServerRequest request, HttpServerResponse response,
                                 Function<CloudEvent, Mono<Void>> accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(e -> headers.put(e.getKey(), e.getValue()));
        return RequestBody.read(request, response, MAX_EVENT_BYTES, timeouts)
                .flatMap(body -> {
                    CloudEvent event;
                    try {
                        event = HttpEvents.read(headers, body);
                    } catch (HttpEvents.UnsupportedModeException e) {
                        return refused(request, response, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
                    } catch (RuntimeException e) {
                        return refused(request, response, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                    }
                    Optional<String> problem = EventRules.problem(event);
                    if (problem.isPresent()) {
                        return refused(request, response, HttpResponseStatus.BAD_REQUEST, problem.get());
                    }
                    return accept.apply(event);
                })
                .onErrorResume(RequestBody::isRefused, e -> RequestBody.refuse(response, e))
                .onErrorResume(AbortedException.class, e -> Mono.empty());
    }

    private static Mono<Void> refused(HttpServerRequest request, HttpServerResponse response, HttpResponseStatus status,
                                      String detail) {
        log.info("ingress: refused a request to {}: {}", request.path(), detail);
        return Problems.send(response, status, detail);
    }

    private Mono<Void> badTarget(HttpServerRequest request, HttpServerResponse response) {
        return Problems.send(response, HttpResponseStatus.BAD_REQUEST, RequestTarget.problem(request.uri()).orElseThrow());
    }

    /** A path served with another method is a 405; anything else, a 404 that names the brokers. */
    private Mono<Void> noRoute(HttpServerRequest request, HttpServerResponse response) {
        String path = request.fullPath();
        Optional<String> allowed = PATHS.stream().filter(p -> p.getKey().matcher(path).matches())
                .map(Map.Entry::getValue).findFirst();
        if (allowed.isPresent() && !allowed.get().equals(request.method().name())) {
            return Problems.send(response.header(HttpHeaderNames.ALLOW, allowed.get()),
                    HttpResponseStatus.METHOD_NOT_ALLOWED, path + " takes " + allowed.get() + " only");
        }
        return notFound(request, response);
    }

    private Mono<Void> notFound(HttpServerRequest request, HttpServerResponse response) {
        List<String> urls = brokers.keySet().stream().map(this::brokerUrl).toList();
        return Problems.send(response, HttpResponseStatus.NOT_FOUND, "No broker at " + request.fullPath()
                + "; brokers: " + urls);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
