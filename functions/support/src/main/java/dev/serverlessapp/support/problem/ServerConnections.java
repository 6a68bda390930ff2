package dev.serverlessapp.support.problem;

import dev.serverlessapp.reactive.AnsweredBodyLimit;
import dev.serverlessapp.reactive.LingeringClose;
import dev.serverlessapp.reactive.PipelinedRequestHold;
import dev.serverlessapp.reactive.RequestHeadTimeout;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * How every server of a function meets its connections, the serving port and the management port alike:
 * a connection waits for its next request head only so long ({@link RequestHeadTimeout}), Netty's own
 * refusals answer problem details ({@link NettyRefusalProblems}), the requests of a kept-alive
 * connection are answered one at a time ({@link PipelinedRequestHold}), and a connection the server closes
 * reaches the client with its last answer ({@link LingeringClose}), which is also how one ends whose answered
 * request's body goes on too long ({@link AnsweredBodyLimit}).
 */
public final class ServerConnections {

    private ServerConnections() {
    }

    public static NettyServerCustomizer customizer(JsonMapper json, ConnectionTimeouts timeouts) {
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            // First: each handler goes right after the codec, so the timeout's 408 passes the refusal problems.
            RequestHeadTimeout.install(channel.pipeline(), timeouts.idleTimeout(), timeouts.headTimeout());
            NettyRefusalProblems.install(channel.pipeline(), json);
            PipelinedRequestHold.install(channel.pipeline());
            AnsweredBodyLimit.install(channel.pipeline());
            LingeringClose.install(channel.pipeline());
        });
    }
}
