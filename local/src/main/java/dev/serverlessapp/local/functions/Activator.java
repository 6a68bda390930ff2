package dev.serverlessapp.local.functions;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A function's stable URL, as Knative's activator gives one: it holds a request while the function
 * starts from zero, then forwards it. Everything (the API, the broker's deliveries) goes through here.
 */
public final class Activator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Activator.class);
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length",
            "transfer-encoding", "keep-alive", "upgrade");

    private final FunctionProcess function;
    private final HttpClient http;
    private final DisposableServer server;
    /** Open client connections: a closed activator must not go on answering on kept-alive ones. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    public Activator(FunctionProcess function, HttpClient http, int port) {
        this.function = function;
        this.http = http;
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .doOnChannelInit((observer, channel, address) -> connections.add(channel))
                .handle(this::forward)
                .bindNow();
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response) {
        function.begin();
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(body -> function.port().flatMap(port -> http
                        .headers(h -> copy(request.requestHeaders(), h).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length))
                        .request(request.method())
                        .uri("http://127.0.0.1:" + port + request.uri())
                        .send(ByteBufFlux.fromInbound(Mono.just(body)))
                        .responseSingle((answer, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                                .flatMap(bytes -> response.status(answer.status())
                                        .headers(copy(answer.responseHeaders(), response.responseHeaders()))
                                        .sendByteArray(Mono.just(bytes)).then()))))
                .onErrorResume(e -> unavailable(response, e))
                .doFinally(signal -> function.end());
    }

    /** A function that cannot start answers 503, which the broker retries, as Knative's activator does. */
    private Mono<Void> unavailable(HttpServerResponse response, Throwable e) {
        log.warn("{}: request failed: {}", function.name(), e.getMessage());
        String problem = """
                {"type":"about:blank","title":"Service Unavailable","status":503,"detail":%s}"""
                .formatted(quote(function.name() + " is unavailable: " + e.getMessage()));
        return response.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .sendString(Mono.just(problem), StandardCharsets.UTF_8).then();
    }

    private static HttpHeaders copy(HttpHeaders from, HttpHeaders to) {
        from.forEach(e -> {
            if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.add(e.getKey(), e.getValue());
            }
        });
        return to;
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }

    @Override
    public void close() {
        server.disposeNow();
        connections.close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
    }
}
