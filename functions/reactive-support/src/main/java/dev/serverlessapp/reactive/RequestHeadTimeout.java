package dev.serverlessapp.reactive;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * Bounds how long a connection may wait for its next request head (request line and headers): no longer
 * than {@code idle} from when the connection opened or its last answer went out, and no longer than
 * {@code head} once the first bytes of that head came. Bytes that trickle in do not extend either bound,
 * so a slowloris client, or a stream of lone CRLFs, is cut off like an idle connection. A connection with
 * part of a request gets a bare 408 with {@code Connection: close} (a problem-detail handler between the
 * codec and this one gives it its body); an idle one is closed without a word, as RFC 9112 section 9.3
 * allows. Reactor Netty has neither bound: its idle timeout restarts with every byte, and it has none by
 * default.
 */
public final class RequestHeadTimeout extends ChannelDuplexHandler {

    static final String NAME = "serverlessapp.requestHeadTimeout";

    private final long idleNanos;
    private final long headNanos;
    private ScheduledFuture<?> deadline;
    private long deadlineAt;
    private int requestsInFlight;
    private boolean closing;
    private boolean headStarted;
    /** Whether the read under way has passed on a message: a whole head, or body. */
    private boolean readPassedMessages;

    private RequestHeadTimeout(Duration idle, Duration head) {
        this.idleNanos = idle.toNanos();
        this.headNanos = head.toNanos();
    }

    /**
     * Adds the bounds right after Reactor Netty's HTTP/1.1 codec; a pipeline without that codec is left
     * alone. A handler installed after this call in the same place sits between the codec and this one,
     * and so sees the 408 on its way out.
     */
    public static void install(ChannelPipeline pipeline, Duration idle, Duration head) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new RequestHeadTimeout(idle, head));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            awaitHead(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitHead(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        readPassedMessages = true;
        if (msg instanceof HttpRequest) {
            requestsInFlight++;
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Fired after every read from the socket, even one from which the codec has no whole head yet: such a
        // read, and only such a read, is part of a head. A read that passed messages on was a head, which
        // stopped the clock, or body; its request may even have been answered before this call.
        boolean partOfAHead = !readPassedMessages;
        readPassedMessages = false;
        if (partOfAHead && deadline != null && !headStarted) {
            headStarted = true;
            long headAt = System.nanoTime() + headNanos;
            if (headAt - deadlineAt < 0) {
                schedule(ctx, headNanos);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim && !closing) {
            promise = promise.unvoid().addListener(written -> {
                if (--requestsInFlight <= 0) {
                    requestsInFlight = 0;
                    awaitHead(ctx);
                }
            });
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void awaitHead(ChannelHandlerContext ctx) {
        headStarted = false;
        schedule(ctx, idleNanos);
    }

    private void schedule(ChannelHandlerContext ctx, long nanos) {
        cancel();
        deadlineAt = System.nanoTime() + nanos;
        deadline = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
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
        if (headStarted) {
            closing = true;
            ctx.writeAndFlush(requestTimeout()).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private static FullHttpResponse requestTimeout() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
