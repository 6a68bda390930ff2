package dev.serverlessapp.support.problem;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Some requests are refused before any Spring code runs: Reactor Netty answers a request line over the
 * decoder's limit with 414, a header block over it with 431, and bytes it cannot parse as HTTP/1.1 with
 * 400; Spring's adapter answers 400 to a URI it cannot parse. Those answers are bare statuses. This
 * handler sits between Netty's HTTP codec and Reactor Netty and gives each of them, on its way out, the
 * problem-detail body every other 4xx has. (A HEAD request's answer still goes without a body: the
 * codec drops it.)
 */
public final class NettyRefusalProblems extends ChannelOutboundHandlerAdapter {

    static final String NAME = "serverlessapp.refusalProblems";
    /** The status of the refusal this handler last sent on the connection, for {@link AnsweredByNetty}. */
    static final AttributeKey<Integer> REFUSED = AttributeKey.valueOf("serverlessapp.refusedStatus");

    private final JsonMapper json;

    private NettyRefusalProblems(JsonMapper json) {
        this.json = json;
    }

    /** Adds the handler after the HTTP/1.1 codec; a pipeline without one (HTTP/2) is left alone. */
    public static void install(ChannelPipeline pipeline, JsonMapper json) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new NettyRefusalProblems(json));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FullHttpResponse response && isBare(response)) {
            ctx.channel().attr(REFUSED).set(response.status().code());
            FullHttpResponse problem = withProblem(response);
            response.release();
            ctx.write(problem, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** A 4xx with no body and no content type: never one of ours, which always carry a problem detail. */
    private static boolean isBare(FullHttpResponse response) {
        int status = response.status().code();
        return status >= 400 && status < 500 && !response.content().isReadable()
                && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE);
    }

    private FullHttpResponse withProblem(FullHttpResponse bare) {
        byte[] body = json.writeValueAsString(Problems.asMap(
                Problems.refusedByTheServer(HttpStatusCode.valueOf(bare.status().code()))))
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse problem = new DefaultFullHttpResponse(bare.protocolVersion(), bare.status(),
                Unpooled.wrappedBuffer(body));
        problem.headers().set(bare.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return problem;
    }
}
