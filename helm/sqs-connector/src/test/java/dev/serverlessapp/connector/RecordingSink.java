package dev.serverlessapp.connector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP sink on loopback that records every request and answers as planned for its body
 * (202 by default), as a broker ingress would.
 */
final class RecordingSink implements AutoCloseable {

    /** A request as received: its path, lower-case headers, body and arrival. */
    record Request(String path, Map<String, String> headers, String body, Instant at, int answered) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> plans = new ConcurrentHashMap<>();

    RecordingSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::record);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests with this body get these statuses, one each, then 202. */
    void answer(String body, Integer... statuses) {
        plans.put(body, new ArrayDeque<>(List.of(statuses)));
    }

    List<Request> requestsWithBody(String body) {
        return requests.stream().filter(r -> r.body().equals(body)).toList();
    }

    private void record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Deque<Integer> plan = plans.get(body);
        Integer planned = plan == null ? null : plan.poll();
        int status = planned == null ? 202 : planned;
        requests.add(new Request(exchange.getRequestURI().getPath(), headers, body, Instant.now(), status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
