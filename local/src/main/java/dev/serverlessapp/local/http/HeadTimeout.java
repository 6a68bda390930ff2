package dev.serverlessapp.local.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose next request head (request line and headers) has not arrived within the
 * timeout, counted from when the connection opened or its last response went out. Bytes that trickle
 * in do not extend it, so a slowloris client or a stream of lone CRLFs is cut off like an idle one.
 * If part of a request came, the client gets a 408 problem detail first. Sits right after Netty's HTTP
 * codec, so it sees whole request heads and whole responses.
 */
final class HeadTimeout extends ChannelDuplexHandler {

    private static final long LINGER = 2;

    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    private int requestsInFlight;
    private boolean closing;
    private boolean bytesSinceIdle;

    HeadTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            requestsInFlight++;
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Fired for every read from the socket, even when the codec has no whole head yet.
        bytesSinceIdle = true;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim) {
            promise = promise.unvoid().addListener(written -> {
                if (--requestsInFlight <= 0) {
                    requestsInFlight = 0;
                    arm(ctx);
                }
            });
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        bytesSinceIdle = false;
        deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (requestsInFlight > 0 || !ctx.channel().isActive()) {
            return;
        }
        if (bytesSinceIdle) {
            closing = true;
            ctx.writeAndFlush(Problems.closing(HttpResponseStatus.REQUEST_TIMEOUT,
                    "The request line and headers did not arrive in time")).addListener(written -> lingeringClose(ctx));
        } else {
            ctx.close();
        }
    }

    /**
     * Closing at once while the client still sends would reset the connection, and the reset can take
     * the 408 with it; so the output is shut first, what still comes is read and dropped, and the
     * connection closes a moment later.
     */
    private static void lingeringClose(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput().addListener(shut -> ctx.executor().schedule(() -> ctx.close(), LINGER, TimeUnit.SECONDS));
        } else {
            ctx.close();
        }
    }
}
