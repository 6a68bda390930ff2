package dev.serverlessapp.local.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Gives a problem detail body to an error that Netty or Reactor Netty answers on its own, with no body:
 * a request line or headers that do not parse or are too long (400, 414, 431), or come too late (408). Our handlers always
 * answer problem details themselves; this covers what never reaches them.
 */
final class ProblemBodies extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FullHttpResponse response && response.status().code() >= 400
                && !response.content().isReadable() && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
            FullHttpResponse problem = Problems.response(response.status(), detail(response.status()));
            response.headers().forEach(h -> {
                if (!problem.headers().contains(h.getKey())) {
                    problem.headers().add(h.getKey(), h.getValue());
                }
            });
            response.release();
            ctx.write(problem, promise);
            return;
        }
        ctx.write(msg, promise);
    }

    private static String detail(HttpResponseStatus status) {
        return status.equals(HttpResponseStatus.REQUEST_TIMEOUT)
                ? "The request line and headers did not arrive in time" : null;
    }
}
