package dev.serverlessapp.benchmark;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The floor: a bare Reactor Netty server that reads the same request a function gets and answers it
 * (201 with a small JSON body for {@code POST /users}, 202 for an event), with no Spring and no AWS.
 * It listens on {@code PORT}, like the functions.
 */
public final class FloorServer {

    private FloorServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        DisposableServer server = HttpServer.create()
                .port(port)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> request.uri().startsWith("/users")
                                ? response.status(201).header("Content-Type", "application/json")
                                        .sendString(Mono.just("{\"received\":" + body.length() + "}")).then()
                                : response.status(202).send().then()))
                .bindNow();
        server.onDispose().block();
    }
}
