package dev.serverlessapp.email;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands in for the SES v2 API on a real HTTP socket: there is no SES emulator here. It records every
 * call as the SDK sent it (path, signature, JSON body) and answers with the status a test chooses. It
 * proves what the transport asks of SES and how it takes SES's answers; not that SES would deliver.
 */
final class FakeSes implements AutoCloseable {

    /** A call as received, and the status it was answered with. */
    record Call(String method, String path, String authorization, JsonNode body, int status) {
        String to() {
            return body.path("Destination").path("ToAddresses").path(0).asString();
        }
    }

    /** How to answer: 200 with a message id, or an error with SES's error type header. */
    record Answer(int status, String errorType) {
        static final Answer SENT = new Answer(200, null);
        static final Answer MESSAGE_REJECTED = new Answer(400, "MessageRejected");
        static final Answer UNAVAILABLE = new Answer(503, "ServiceUnavailable");
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.SENT;

    FakeSes() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void answer(Answer answer) {
        this.answer = answer;
    }

    List<Call> callsTo(String address) {
        return calls.stream().filter(call -> address.equals(call.to())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Answer now = answer;
        byte[] request = exchange.getRequestBody().readAllBytes();
        calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), JsonMapper.shared().readTree(request), now.status()));
        String response = now.status() == 200
                ? "{\"MessageId\":\"fake-" + calls.size() + "\"}"
                : "{\"message\":\"" + now.errorType() + " (from the fake SES)\"}";
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (now.errorType() != null) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", now.errorType());
        }
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(now.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
