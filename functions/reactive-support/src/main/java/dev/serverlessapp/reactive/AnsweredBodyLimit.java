package dev.serverlessapp.reactive;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.NettyPipeline;

/**
 * Bounds how much of a body the server reads after it has answered the request. Reactor Netty keeps a
 * connection whose request was answered before its body was read (a 404, 405 or 401 given at once) and reads
 * and drops the rest of the body, as long as the client declares it (or for ever, chunked): a client could
 * keep a function reading gigabytes. Past {@value #MAX_BYTES} bytes read after the answer, the connection
 * is closed ({@link LingeringClose} then lingers its few seconds). A client still sending a body of
 * ordinary size keeps its connection.
 */
public final class AnsweredBodyLimit extends ChannelDuplexHandler {

    static final String NAME = "serverlessapp.answeredBodyLimit";
    static final long MAX_BYTES = 1024 * 1024;

    /** Requests whose head has come, and final answers written: the request being read is answered when equal. */
    private long requests;
    private long answers;
    private boolean readingBody;
    private long readAfterAnswer;

    private AnsweredBodyLimit() {
    }

    /** Adds the limit right after Reactor Netty's HTTP/1.1 codec; a pipeline without that codec is left alone. */
    public static void install(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new AnsweredBodyLimit());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            requests++;
            readingBody = true;
            readAfterAnswer = 0;
        }
        if (msg instanceof HttpContent content && readingBody) {
            if (answers >= requests) {
                readAfterAnswer += content.content().readableBytes();
            }
            if (msg instanceof LastHttpContent) {
                readingBody = false;
            }
            if (readAfterAnswer > MAX_BYTES) {
                content.release();
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // The end of an answer; an interim one (100 Continue) is not the answer.
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            answers++;
        }
        ctx.write(msg, promise);
    }
}
