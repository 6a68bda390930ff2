package dev.serverlessapp.local.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/** RFC 9457 problem details: how every door of the local runtime answers an error. */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /** {@code {"type":"about:blank","title":…,"status":…,"detail":…}}; the detail is JSON-escaped, whatever it holds. */
    public static byte[] json(HttpResponseStatus status, String detail) {
        ObjectNode problem = JSON.createObjectNode()
                .put("type", "about:blank")
                .put("title", status.reasonPhrase())
                .put("status", status.code());
        if (detail != null) {
            problem.put("detail", detail);
        }
        try {
            return JSON.writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A problem detail could not be written", e);
        }
    }

    public static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String detail) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .sendByteArray(Mono.just(json(status, detail)))
                .then();
    }

    /** The same, as a whole response for Netty handlers. */
    static FullHttpResponse response(HttpResponseStatus status, String detail) {
        byte[] body = json(status, detail);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
