package dev.serverlessapp.local.functions;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A server on a loopback port that keeps every request it gets, for tests that must know where requests went. */
public final class RecordingServer implements AutoCloseable {

    /** One request as the server got it. */
    public record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {
        public List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    /** Answers 200 with a fixed text. */
    public RecordingServer() {
        this(request -> 200);
    }

    public RecordingServer(Function<Request, Integer> status) {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((in, out) -> in.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
                    Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
                    in.requestHeaders().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT),
                            k -> new java.util.ArrayList<>()).add(h.getValue()));
                    Request request = new Request(in.method().name(), in.uri(), headers, body);
                    requests.add(request);
                    return out.status(status.apply(request)).sendString(Mono.just("from the function")).then();
                }))
                .bindNow();
    }

    public int port() {
        return server.port();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
