package dev.serverlessapp.support.problem;

import dev.serverlessapp.reactive.AnsweredBodyLimit;
import dev.serverlessapp.reactive.LingeringClose;
import dev.serverlessapp.reactive.PipelinedRequestHold;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * How every server of a function meets its connections, the serving port and the management port alike:
 * Netty's own refusals answer problem details ({@link NettyRefusalProblems}), the requests of a kept-alive
 * connection are answered one at a time ({@link PipelinedRequestHold}), and a connection the server closes
 * reaches the client with its last answer ({@link LingeringClose}), which is also how one ends whose answered
 * request's body goes on too long ({@link AnsweredBodyLimit}).
 */
public final class ServerConnections {

    private ServerConnections() {
    }

    public static NettyServerCustomizer customizer(JsonMapper json) {
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            NettyRefusalProblems.install(channel.pipeline(), json);
            PipelinedRequestHold.install(channel.pipeline());
            AnsweredBodyLimit.install(channel.pipeline());
            LingeringClose.install(channel.pipeline());
        });
    }
}
