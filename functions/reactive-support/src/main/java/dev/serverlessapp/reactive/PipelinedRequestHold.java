package dev.serverlessapp.reactive;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Holds each request that arrives on a kept-alive connection while the request before it is still
 * running, and passes it on (with its body) once that one has ended, so that Reactor Netty sees one request
 * at a time. Its own queue for pipelined requests loses some (1.3.8, all found by {@code KeptAliveFuzz}):
 * <ul>
 *   <li>a request it cannot decode (a header value with a control character, a request line or header
 *       block over the limits), arriving after the answer before it but before that request has ended, has
 *       its 400 given to that request's operations, and nothing is sent;</li>
 *   <li>a queued request that asks to close the connection (or cannot be decoded) makes it drop the
 *       requests queued before it, unanswered, and leave the connection open.</li>
 * </ul>
 * The client waits for ever in each case. Passed on one at a time, every request gets its answer, a
 * refusal its problem detail (the server's own refusal handler), and the connection closes only after them.
 * <p>
 * Reactor Netty does not know what is held here, so it may go on reading. Past {@value #MAX_HELD_REQUESTS}
 * requests or {@value #MAX_HELD_BYTES} bytes of body, the hold stops reading the connection until the held
 * messages have gone on: a client that pipelines a flood meets TCP back-pressure, and nothing it sent is
 * dropped.
 */
public final class PipelinedRequestHold extends ChannelDuplexHandler {

    static final String NAME = "serverlessapp.pipelinedRequestHold";
    static final int MAX_HELD_REQUESTS = 16;
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final Queue<Object> held = new ArrayDeque<>();
    private int heldRequests;
    private long heldBytes;
    /** Whether reading stopped while the hold was full: one read is owed once it is not. */
    private boolean paused;

    private PipelinedRequestHold() {
    }

    /** Adds the hold before Reactor Netty's HTTP/1.1 handling; a pipeline without the HTTP/1.1 codec is left alone. */
    public static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new PipelinedRequestHold());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Once one message is held, the ones after it wait too, so that they keep their order.
        if (!held.isEmpty() || (msg instanceof HttpRequest && requestRunning(ctx))) {
            hold(ctx, msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Reads stop while the hold is full: Reactor Netty's own reads, and the automatic ones. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (full()) {
            paused = true;
        } else {
            ctx.read();
        }
    }

    /**
     * Reactor Netty tells its own handlers with a user event that a request has ended: the next held request
     * goes on, with the body that follows it, and the one after waits for it in turn.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ctx.fireUserEventTriggered(event);
        while (!held.isEmpty() && !(held.peek() instanceof HttpRequest && requestRunning(ctx))) {
            ctx.fireChannelRead(unhold());
        }
        if (paused && !full()) {
            paused = false;
            ctx.read();
        }
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        heldRequests += msg instanceof HttpRequest ? 1 : 0;
        heldBytes += msg instanceof ByteBufHolder body ? body.content().readableBytes() : 0;
        if (full()) {
            // Reactor Netty may have the channel read by itself; it turns that on again for the next request.
            ctx.channel().config().setAutoRead(false);
            paused = true;
        }
    }

    private Object unhold() {
        Object msg = held.poll();
        heldRequests -= msg instanceof HttpRequest ? 1 : 0;
        heldBytes -= msg instanceof ByteBufHolder body ? body.content().readableBytes() : 0;
        return msg;
    }

    private boolean full() {
        return heldRequests >= MAX_HELD_REQUESTS || heldBytes >= MAX_HELD_BYTES;
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
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(unhold());
        }
    }

    /** Whether the channel still carries the operations of an earlier request. */
    private static boolean requestRunning(ChannelHandlerContext ctx) {
        return ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest;
    }
}
