package dev.serverlessapp.reactive;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection the server gives up on in stages, as RFC 9112 section 9.6 asks: it half-closes (the
 * answer, then FIN), reads and drops whatever the client still sends, and closes for good once the client
 * has closed its side, or after {@link #LINGER} at most.
 * <p>
 * Reactor Netty closes at once after a refusal (431, 414, 400 before any route runs) and after an answer
 * with {@code Connection: close}. A client still sending its body then has unread bytes in the server's
 * receive buffer, and closing such a socket sends a reset that can reach the client before it has read the
 * answer: it sees a broken connection instead of the refusal.
 */
public final class LingeringClose extends ChannelDuplexHandler {

    static final String NAME = "serverlessapp.lingeringClose";
    /** How long a half-closed connection waits for the client to close, in all (nginx waits 5 s between reads). */
    static final Duration LINGER = Duration.ofSeconds(5);

    private boolean lingering;

    private LingeringClose() {
    }

    /** Adds the handler next to the socket, so that it sees every close and the bytes before any decoder. */
    public static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) == null) {
            pipeline.addFirst(NAME, new LingeringClose());
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering || !(ctx.channel() instanceof DuplexChannel channel) || !channel.isActive()
                || channel.isInputShutdown() || channel.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        Runnable closeForGood = ctx::close;
        ScheduledFuture<?> cutOff = ctx.executor().schedule(closeForGood, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> {
            cutOff.cancel(false);
            promise.trySuccess();
        });
        // The answer was written before the close was asked for; FIN follows it.
        channel.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
            }
        });
        channel.config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (lingering && event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lingering) {
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
