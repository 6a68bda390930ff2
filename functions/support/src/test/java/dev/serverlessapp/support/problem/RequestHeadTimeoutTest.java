package dev.serverlessapp.support.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.reactive.RequestHeadTimeout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/**
 * The order of events {@link RequestHeadTimeout} must not be fooled by, which a real socket shows only by
 * chance: a request answered while the read that carried it is still being passed on (a quick answer such
 * as a probe's), and body bytes that come after an early answer. Neither is part of a next head; only a
 * read that passes nothing on is. On Netty's embedded channel, whose clock the test moves.
 */
class RequestHeadTimeoutTest {

    static final Duration IDLE = Duration.ofSeconds(30);
    static final Duration HEAD = Duration.ofSeconds(2);

    EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        RequestHeadTimeout.install(channel.pipeline(), IDLE, HEAD);
        // Answers every request at once, within the read that brought its head.
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    var answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                    answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(answer);
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    // guards the CI finding: a readiness probe answered at once got a 408 one head timeout later
    @Test
    void aRequestAnsweredWithinItsOwnReadLeavesTheConnectionIdleNotInAHead() {
        read("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(written()).startsWith("HTTP/1.1 404 ");

        wait(HEAD.multipliedBy(3));
        assertThat(written()).as("nothing more before the idle timeout").isEmpty();
        assertThat(channel.isOpen()).isTrue();

        wait(IDLE);
        assertThat(written()).as("an idle connection closes without a word").isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void bodyAfterAnEarlyAnswerIsNotTakenForAHead() {
        read("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
        assertThat(written()).startsWith("HTTP/1.1 404 ");
        wait(Duration.ofSeconds(1));
        read("678");
        wait(HEAD.multipliedBy(3));
        assertThat(written()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHeadThatStopsHalfWayGets408OneHeadTimeoutAfterItsFirstBytes() {
        read("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
        written();
        wait(Duration.ofSeconds(10));
        read("GET /readyz HT");
        wait(HEAD.minusMillis(100));
        assertThat(written()).isEmpty();
        read("TP/1.1\r\nX-Slow: y\r\n");
        wait(Duration.ofMillis(200));
        assertThat(written()).as("trickled bytes do not extend it").startsWith("HTTP/1.1 408 ")
                .containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    private void read(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    private void wait(Duration duration) {
        channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** What the server has written since the last call, as text. */
    private String written() {
        StringBuilder text = new StringBuilder();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            text.append(((ByteBuf) out).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(out);
        }
        return text.toString();
    }
}
