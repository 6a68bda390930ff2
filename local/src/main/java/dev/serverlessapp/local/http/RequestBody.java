package dev.serverlessapp.local.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A request's body, read whole but bounded: at most {@code limit} bytes, no pause between two reads
 * longer than the read timeout, and all of it within the request timeout. A body that breaks a bound
 * is refused with a problem detail (413 or 408) and the connection is closed.
 *
 * <p>A body over the limit but not far over it is read to its end and dropped before the 413 goes out:
 * closing a connection with unread bytes makes the kernel reset it, and the client, still sending,
 * then loses the answer (a lingering close, as web servers do). A body far over the limit is refused
 * before it is read.
 */
public final class RequestBody {

    /** How much of an oversized body is read and dropped so that its sender gets the 413. */
    static final long DRAIN_BYTES = 8L * 1024 * 1024;

    private RequestBody() {
    }

    /**
     * The body, or an error {@link #isRefused} answers; empty when Reactor Netty has already answered for
     * the door (a body that does not decode, such as a broken chunk, is a 400 sent from within Netty,
     * after which the body merely ends), so that nothing of such a request goes further.
     */
    public static Mono<byte[]> read(HttpServerRequest request, HttpServerResponse response, int limit,
                                    FrontDoor.Timeouts timeouts) {
        long drain = Math.max(DRAIN_BYTES, limit);
        if (declaredLength(request) > drain) {
            // Refused before a byte of it is read.
            return Mono.error(new TooLargeException(limit));
        }
        return request.receive().asByteArray()
                .timeout(timeouts.read())
                .reduceWith(() -> new Bounded(limit, drain), Bounded::add)
                .map(Bounded::bytes)
                .timeout(timeouts.request())
                .defaultIfEmpty(new byte[0])
                .filter(body -> !response.hasSentHeaders());
    }

    /** The bytes read so far, kept up to the limit; past it only counted, until the drain bound. */
    private static final class Bounded {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int limit;
        private final long drain;
        private long seen;

        Bounded(int limit, long drain) {
            this.limit = limit;
            this.drain = drain;
        }

        Bounded add(byte[] chunk) {
            seen += chunk.length;
            if (seen > drain) {
                throw new TooLargeException(limit);
            }
            if (seen <= limit) {
                kept.writeBytes(chunk);
            }
            return this;
        }

        byte[] bytes() {
            if (seen > limit) {
                throw new TooLargeException(limit);
            }
            return kept.toByteArray();
        }
    }

    /** The Content-Length, which Netty has checked is a number; 0 without one. */
    private static long declaredLength(HttpServerRequest request) {
        String declared = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        try {
            return declared == null ? 0 : Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Whether {@code error} is the body breaking a bound, which {@link #refuse} answers. */
    public static boolean isRefused(Throwable error) {
        return error instanceof TooLargeException || error instanceof TimeoutException;
    }

    public static Mono<Void> refuse(HttpServerResponse response, Throwable error) {
        response.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return error instanceof TooLargeException tooLarge
                ? Problems.send(response, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, tooLarge.getMessage())
                : Problems.send(response, HttpResponseStatus.REQUEST_TIMEOUT, "The request body did not arrive in time: "
                        + "it was shorter than its Content-Length, or too slow");
    }

    /** More bytes than the door takes. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(int limit) {
            super("The body is larger than " + limit + " bytes, the most this door takes", null, false, false);
        }
    }
}
