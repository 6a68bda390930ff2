package dev.serverlessapp.support.problem;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Holds a request that Netty could not decode (a header value with a control character, a request line
 * or header block over the limits) while the request before it on a kept-alive connection is still
 * running, and passes it on once that one has ended. Reactor Netty (1.3.8) answers such a request through
 * the operations of the request before it when that one has sent its answer but not yet ended, and that
 * answer is never sent: the client waits for ever (found by {@code KeptAliveFuzz}). Passed on after the
 * request before it has ended, it gets its 400, 414 or 431 and the connection is closed, as on a new
 * connection; {@link NettyRefusalProblems} gives that answer its problem detail.
 */
public final class UndecodableRequestHold extends ChannelInboundHandlerAdapter {

    static final String NAME = "serverlessapp.undecodableRequestHold";

    private final Queue<Object> held = new ArrayDeque<>();

    private UndecodableRequestHold() {
    }

    /** Adds the hold before Reactor Netty's HTTP/1.1 handling; a pipeline without the HTTP/1.1 codec is left alone. */
    public static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new UndecodableRequestHold());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Once one message is held, the ones after it wait too, so that they keep their order.
        if (!held.isEmpty() || (isUndecodable(msg) && requestRunning(ctx))) {
            held.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Reactor Netty tells its own handlers with a user event that a request has ended. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ctx.fireUserEventTriggered(event);
        while (!held.isEmpty() && !requestRunning(ctx)) {
            ctx.fireChannelRead(held.poll());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object message;
        while ((message = held.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    private static boolean isUndecodable(Object msg) {
        return msg instanceof HttpRequest request && request.decoderResult().isFailure();
    }

    /** Whether the channel still carries the operations of an earlier request. */
    private static boolean requestRunning(ChannelHandlerContext ctx) {
        return ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest;
    }
}
