package dev.serverlessapp.local.functions;

import dev.serverlessapp.local.http.FrontDoor;
import dev.serverlessapp.local.http.Problems;
import dev.serverlessapp.local.http.RequestBody;
import dev.serverlessapp.local.http.RequestTarget;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A function's stable URL, as Knative's activator gives one: it holds a request while the function
 * starts from zero, then forwards it. Everything (the API, the broker's deliveries) goes through here.
 * It is the local edge, so nothing the client sends chooses where a request goes: the upstream is
 * always the function's own loopback port, the target only an origin-form path and query, and the
 * {@code X-Forwarded-For} the function sees is the client's real address.
 */
public final class Activator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Activator.class);
    /** The largest body forwarded; the activator holds it whole while the function starts. */
    static final int MAX_BODY = 10 * 1024 * 1024;
    /** Headers for this hop only (RFC 9110 §7.6.1), and the framing, which the activator sets anew. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect");

    private final Upstream function;
    private final HttpClient http;
    private final FrontDoor.Timeouts timeouts;
    private final DisposableServer server;
    private final String url;
    /** Open client connections: a closed activator must not go on answering on kept-alive ones. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    public Activator(Upstream function, HttpClient http, String host, int port) {
        this(function, http, host, port, FrontDoor.Timeouts.defaults());
    }

    public Activator(Upstream function, HttpClient http, String host, int port, FrontDoor.Timeouts timeouts) {
        this.function = function;
        this.http = http;
        this.timeouts = timeouts;
        this.server = FrontDoor.server(host, port, timeouts)
                .doOnChannelInit((observer, channel, address) -> connections.add(channel))
                .handle(this::forward)
                .bindNow();
        this.url = FrontDoor.url(host, server.port());
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return url;
    }

    private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response) {
        Optional<String> badTarget = HttpMethod.CONNECT.equals(request.method())
                // A CONNECT answered 2xx turns the pooled connection to the function into a tunnel, and
                // the next request on it would hang; a function is no proxy, and CONNECT has no origin-form.
                ? Optional.of("CONNECT is not taken: the activator is no proxy")
                : RequestTarget.problem(request.uri());
        if (badTarget.isPresent()) {
            log.info("{}: refused the request target {}: {}", function.name(), request.uri(), badTarget.get());
            return Problems.send(response, HttpResponseStatus.BAD_REQUEST, badTarget.get());
        }
        function.begin();
        return RequestBody.read(request, response, MAX_BODY, timeouts)
                .flatMap(body -> relay(request, response, body))
                .onErrorResume(RequestBody::isRefused, e -> RequestBody.refuse(response, e))
                // The client went away: there is no one to answer.
                .onErrorResume(AbortedException.class, e -> Mono.empty())
                .doFinally(signal -> function.end());
    }

    private Mono<Void> relay(HttpServerRequest request, HttpServerResponse response, byte[] body) {
        return function.port().flatMap(port -> http.host(FrontDoor.LOOPBACK).port(port)
                        .headers(h -> forwardedHeaders(request, h).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length))
                        .request(request.method())
                        // Origin-form, checked above: a relative URI, sent to the host and port set here.
                        .uri(request.uri())
                        .send(ByteBufFlux.fromInbound(Mono.just(body)))
                        .responseSingle((answer, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                                .flatMap(bytes -> response.status(answer.status())
                                        .headers(copy(answer.responseHeaders(), response.responseHeaders()))
                                        .sendByteArray(Mono.just(bytes)).then())))
                .onErrorResume(e -> unavailable(response, e));
    }

    /**
     * The client's headers as the function gets them: without the hop-by-hop ones and without any
     * forwarding header the client sent, which only a proxy may set. The activator is the first proxy,
     * so {@code X-Forwarded-For} is the connection's peer, which user-api's rate limit trusts from loopback.
     */
    static HttpHeaders forwardedHeaders(HttpServerRequest request, HttpHeaders to) {
        HttpHeaders from = request.requestHeaders();
        Set<String> named = new HashSet<>();
        from.getAll(HttpHeaderNames.CONNECTION).forEach(value -> {
            for (String name : value.split(",")) {
                named.add(name.strip().toLowerCase(Locale.ROOT));
            }
        });
        from.forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !isForwarding(name)) {
                to.add(header.getKey(), header.getValue());
            }
        });
        to.set("X-Forwarded-For", peer(request.remoteAddress()));
        to.set("X-Forwarded-Proto", "http");
        return to;
    }

    private static boolean isForwarding(String name) {
        return name.equals("forwarded") || name.startsWith("x-forwarded-") || name.equals("x-real-ip");
    }

    private static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String ip = inet.getAddress().getHostAddress();
            int zone = ip.indexOf('%');
            return zone < 0 ? ip : ip.substring(0, zone);
        }
        return "unknown";
    }

    /** A function that cannot start answers 503, which the broker retries, as Knative's activator does. */
    private Mono<Void> unavailable(HttpServerResponse response, Throwable e) {
        log.warn("{}: request failed: {}", function.name(), e.getMessage());
        if (response.hasSentHeaders()) {
            return Mono.empty();
        }
        return Problems.send(response, HttpResponseStatus.SERVICE_UNAVAILABLE,
                function.name() + " is unavailable: " + e.getMessage());
    }

    private static HttpHeaders copy(HttpHeaders from, HttpHeaders to) {
        from.forEach(e -> {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name)) {
                to.add(e.getKey(), e.getValue());
            }
        });
        return to;
    }

    @Override
    public void close() {
        server.disposeNow();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
