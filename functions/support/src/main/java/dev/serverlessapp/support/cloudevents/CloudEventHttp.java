package dev.serverlessapp.support.cloudevents;

import dev.serverlessapp.support.deadline.RequestDeadline;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.util.Locale;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * CloudEvents over HTTP on the SDK core. cloudevents-spring 4.0.1 assumes {@code HttpHeaders} is a
 * {@code Map}, which Spring Framework 7 broke, so the binding goes through {@link HttpMessageFactory}.
 * Binary and structured mode are read; replies are written in binary mode.
 */
public final class CloudEventHttp {

    /** Knative's sources and broker send small events; anything bigger is a mistake or an attack. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;

    /** Structured mode's JSON format: ours, whatever else the class path registers with the SDK. */
    private static final JsonEventFormat STRUCTURED = new JsonEventFormat();

    private CloudEventHttp() {
    }

    /** The SDK's test for structured mode: the media type, without parameters, names the format. */
    private static boolean isStructuredJson(HttpHeaders headers) {
        String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return mediaType.equalsIgnoreCase(JsonEventFormat.CONTENT_TYPE);
    }

    /**
     * Reads the request as a CloudEvent, or fails with {@link InvalidCloudEventException}: 413 for a body
     * over {@link #MAX_EVENT_BYTES}, 415 for an event format other than JSON (a batch, say), 400 for
     * anything else that is not a valid event; and with a 408 for a body that does not arrive within the
     * request's body timeout ({@link RequestDeadline#boundBodyByCurrent}).
     */
    public static Mono<CloudEvent> read(ServerRequest request) {
        return RequestDeadline.boundBodyByCurrent(
                        DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), MAX_EVENT_BYTES))
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, tooLarge -> new InvalidCloudEventException(
                        HttpStatus.CONTENT_TOO_LARGE, "The event is larger than " + MAX_EVENT_BYTES + " bytes", tooLarge))
                .map(body -> toEvent(request.headers().asHttpHeaders(), body));
    }

    static CloudEvent toEvent(HttpHeaders headers, byte[] body) {
        CloudEvent event;
        try {
            event = isStructuredJson(headers)
                    ? STRUCTURED.deserialize(body)
                    : HttpMessageFactory.createReader(consumer -> headers.forEach((name, values) ->
                            values.forEach(value -> consumer.accept(name, value))), body).toEvent();
        } catch (CloudEventRWException e) {
            throw e.getKind() == CloudEventRWException.CloudEventRWExceptionKind.UNKNOWN_ENCODING
                    ? unknownEncoding(headers, e)
                    : new InvalidCloudEventException(e.getMessage(), e);
        } catch (EventDeserializationException e) {
            // Structured mode: the body is not a CloudEvent in the JSON format (missing attributes, wrong
            // types, an unknown specversion, truncated JSON).
            throw new InvalidCloudEventException("The body is not a CloudEvent in JSON format: " + reason(e), e);
        } catch (RuntimeException e) {
            // The SDK parses bytes a stranger sent, so whatever else it throws is a malformed event, never our
            // failure: IllegalStateException for a missing attribute, NullPointerException for the body null.
            throw new InvalidCloudEventException("The request is not a valid CloudEvent", e);
        }
        return EventAttributes.check(event);
    }

    /** Neither binary mode nor a structured format the SDK reads: a format we do not take, or no event at all. */
    private static InvalidCloudEventException unknownEncoding(HttpHeaders headers, CloudEventRWException e) {
        String contentType = String.valueOf(headers.getFirst(HttpHeaders.CONTENT_TYPE)).toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/cloudevents")) {
            return new InvalidCloudEventException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Only single events are taken: in binary mode, or structured as application/cloudevents+json", e);
        }
        return new InvalidCloudEventException("Not a CloudEvent: send ce-specversion and the other ce-* headers "
                + "(binary mode) or an application/cloudevents+json body (structured mode)", e);
    }

    /** The format's own words (Jackson's without the source excerpt on its later lines), not the class name wrapping them. */
    private static String reason(EventDeserializationException e) {
        String message = e.getCause() == null ? null : e.getCause().getMessage();
        return message == null || message.isBlank() ? "malformed JSON" : message.lines().findFirst().orElseThrow();
    }

    /** A binary-mode reply, which the broker publishes as a new event. */
    public static Mono<ServerResponse> reply(CloudEvent event) {
        HttpHeaders headers = new HttpHeaders();
        byte[][] body = {new byte[0]};
        HttpMessageFactory.createWriter(headers::add, bytes -> body[0] = bytes == null ? new byte[0] : bytes)
                .writeBinary(event);
        return ServerResponse.ok().headers(h -> h.addAll(headers)).bodyValue(body[0]);
    }

    /**
     * The answer when a handler produces no event: a 2xx without ce-* headers. A reply that echoed
     * the input's attributes would be published to the broker again and loop.
     */
    public static Mono<ServerResponse> noReply() {
        return ServerResponse.status(HttpStatus.ACCEPTED).build();
    }
}
