package dev.serverlessapp.local.http;

import dev.serverlessapp.reactive.LingeringClose;
import dev.serverlessapp.reactive.PipelinedRequestHold;
import dev.serverlessapp.reactive.RequestHeadTimeout;
import java.net.InetAddress;
import java.time.Duration;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * How every HTTP server of the local runtime (the activators, the broker ingress) meets strangers: it
 * listens on the address it is given (loopback unless asked otherwise), closes a connection whose request
 * head does not arrive in time, answers every error it makes on its own with a problem detail, and answers
 * the requests of a kept-alive connection one at a time ({@link PipelinedRequestHold}), and closes a
 * connection in stages, so that a client still sending reads its answer ({@link LingeringClose}).
 * Bodies are bounded by {@link RequestBody}, request targets checked by {@link RequestTarget}.
 */
public final class FrontDoor {

    public static final String LOOPBACK = "127.0.0.1";

    private FrontDoor() {
    }

    /**
     * How long a door waits: for a request's line and headers (from the connection's start or its last
     * response), for the next bytes of a body, and for a whole body.
     */
    public record Timeouts(Duration head, Duration read, Duration request) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));
        }
    }

    public static HttpServer server(String host, int port, Timeouts timeouts) {
        return HttpServer.create().host(host).port(port)
                .doOnChannelInit((observer, channel, remote) -> {
                    // Each goes right after the codec, so the head timeout's 408 passes the problem bodies.
                    RequestHeadTimeout.install(channel.pipeline(), timeouts.head(), timeouts.head());
                    channel.pipeline().addAfter(NettyPipeline.HttpCodec, "problem-bodies", new ProblemBodies());
                    PipelinedRequestHold.install(channel.pipeline());
                    LingeringClose.install(channel.pipeline());
                });
    }

    /** The URL that reaches a server listening on {@code host}: one on every interface is reached on loopback. */
    public static String url(String host, int port) {
        InetAddress address = InetAddress.ofLiteral(host);
        String reachable = address.isAnyLocalAddress() ? LOOPBACK : address.getHostAddress();
        return "http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port;
    }
}
