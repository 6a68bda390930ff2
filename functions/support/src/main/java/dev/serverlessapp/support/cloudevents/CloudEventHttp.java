package dev.serverlessapp.support.cloudevents;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
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

    private CloudEventHttp() {
    }

    /** Reads the request as a CloudEvent, or fails with {@link InvalidCloudEventException}. */
    public static Mono<CloudEvent> read(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), MAX_EVENT_BYTES)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .map(body -> toEvent(request.headers().asHttpHeaders(), body));
    }

    static CloudEvent toEvent(HttpHeaders headers, byte[] body) {
        try {
            return HttpMessageFactory.createReader(
                    consumer -> headers.forEach((name, values) -> values.forEach(value -> consumer.accept(name, value))),
                    body).toEvent();
        } catch (CloudEventRWException e) {
            throw new InvalidCloudEventException(describe(e), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The SDK's builder reports missing required attributes this way.
            throw new InvalidCloudEventException(e.getMessage(), e);
        }
    }

    private static String describe(CloudEventRWException e) {
        return switch (e.getKind()) {
            case UNKNOWN_ENCODING -> "Not a CloudEvent: send ce-specversion and the other ce-* headers (binary mode) "
                    + "or an application/cloudevents+json body (structured mode)";
            default -> e.getMessage();
        };
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
