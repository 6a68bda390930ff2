package dev.serverlessapp.local;

import dev.serverlessapp.local.routing.Broker;
import dev.serverlessapp.local.routing.HttpEvents;
import dev.serverlessapp.local.routing.SqsSink;
import io.cloudevents.CloudEvent;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The broker ingress ({@code POST /<namespace>/<broker>}, binary or structured mode, 202 on acceptance as
 * Knative's), the IntegrationSinks ({@code POST /-/sinks/<name>}), and the runtime's own commands
 * ({@code POST /-/pingsources/<name>} fires a PingSource now).
 */
final class IngressServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngressServer.class);
    private static final int MAX_EVENT_BYTES = 1024 * 1024;

    private final String namespace;
    private final Map<String, Broker> brokers;
    private final Map<String, SqsSink> sinks;
    private final java.util.function.Function<String, Mono<CloudEvent>> firePing;
    private final DisposableServer server;

    IngressServer(int port, String namespace, Map<String, Broker> brokers, Map<String, SqsSink> sinks,
                  java.util.function.Function<String, Mono<CloudEvent>> firePing) {
        this.namespace = namespace;
        this.brokers = brokers;
        this.sinks = sinks;
        this.firePing = firePing;
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .route(routes -> routes
                        .post("/-/pingsources/{name}", this::firePing)
                        .post("/-/sinks/{name}", this::sink)
                        .get("/-/health", (request, response) -> response.sendString(Mono.just("ok")))
                        .post("/{namespace}/{broker}", this::ingress))
                .bindNow();
    }

    int port() {
        return server.port();
    }

    String brokerUrl(String broker) {
        return "http://127.0.0.1:" + port() + "/" + namespace + "/" + broker;
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    private Mono<Void> ingress(HttpServerRequest request, HttpServerResponse response) {
        Broker broker = namespace.equals(request.param("namespace")) ? brokers.get(request.param("broker")) : null;
        if (broker == null) {
            return problem(response, HttpResponseStatus.NOT_FOUND, "No broker at " + request.uri()
                    + "; brokers: " + brokers.keySet().stream().map(this::brokerUrl).toList());
        }
        // Accepted (kept) first, delivered afterwards: the sender never waits on subscribers, as with Knative.
        return readEvent(request, response, event -> broker.accept(event)
                .then(Mono.defer(() -> response.status(HttpResponseStatus.ACCEPTED).send().then()))
                .onErrorResume(e -> problem(response, HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "The event could not be kept: " + e.getMessage())));
    }

    private Mono<Void> sink(HttpServerRequest request, HttpServerResponse response) {
        SqsSink sink = sinks.get(request.param("name"));
        if (sink == null) {
            return problem(response, HttpResponseStatus.NOT_FOUND, "No IntegrationSink " + request.param("name"));
        }
        return readEvent(request, response, event -> sink.send(event)
                .then(response.status(HttpResponseStatus.ACCEPTED).send()));
    }

    private Mono<Void> firePing(HttpServerRequest request, HttpServerResponse response) {
        return firePing.apply(request.param("name"))
                .flatMap(event -> response.status(HttpResponseStatus.ACCEPTED)
                        .header("content-type", "application/cloudevents+json")
                        .sendByteArray(Mono.just(HttpEvents.json(event))).then())
                .onErrorResume(IllegalArgumentException.class,
                        e -> problem(response, HttpResponseStatus.NOT_FOUND, e.getMessage()));
    }

    private Mono<Void> readEvent(HttpServerRequest request, HttpServerResponse response,
                                 java.util.function.Function<CloudEvent, Mono<Void>> accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(e -> headers.put(e.getKey(), e.getValue()));
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    if (body.length > MAX_EVENT_BYTES) {
                        return problem(response, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Events are limited to 1 MiB");
                    }
                    CloudEvent event;
                    try {
                        event = HttpEvents.read(headers, body);
                    } catch (IllegalArgumentException e) {
                        log.info("ingress: refused a request to {}: {}", request.uri(), e.getMessage());
                        return problem(response, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                    }
                    return accept.apply(event);
                });
    }

    private static Mono<Void> problem(HttpServerResponse response, HttpResponseStatus status, String detail) {
        String json = "{\"type\":\"about:blank\",\"title\":\"" + status.reasonPhrase() + "\",\"status\":" + status.code()
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\s+", " ") + "\"}";
        return response.status(status).header("content-type", "application/problem+json")
                .sendString(Mono.just(json), StandardCharsets.UTF_8).then();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
