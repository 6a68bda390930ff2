package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** CloudEvents over HTTP: binary mode out, binary or structured mode in (the CloudEvents SDK does the work). */
public final class HttpEvents {

    private static final EventFormat JSON = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
    private static final EventFormat BASE64_JSON = new JsonFormat(true, false);

    private HttpEvents() {
    }

    /** An HTTP message: lower-case header names, and a body. */
    public record Message(Map<String, String> headers, byte[] body) {
    }

    public static Message binary(CloudEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[][] body = {new byte[0]};
        HttpMessageFactory.createWriter(headers::put, bytes -> body[0] = bytes == null ? new byte[0] : bytes)
                .writeBinary(event);
        return new Message(lowerCase(headers), body[0]);
    }

    /** Reads an event in binary or structured mode; throws {@link IllegalArgumentException} when there is none. */
    public static CloudEvent read(Map<String, String> headers, byte[] body) {
        Map<String, String> lower = lowerCase(headers);
        if (!isEvent(lower)) {
            throw new IllegalArgumentException("Not a CloudEvent: no ce-specversion header and no "
                    + "application/cloudevents+json body");
        }
        try {
            return HttpMessageFactory.createReader(lower, body).toEvent();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a valid CloudEvent: " + e.getMessage(), e);
        }
    }

    /** A subscriber's reply event; an answer without one (e.g. 202 with no ce-* headers) is no reply. */
    public static Optional<CloudEvent> reply(Map<String, String> headers, byte[] body) {
        Map<String, String> lower = lowerCase(headers);
        return isEvent(lower) ? Optional.of(read(lower, body)) : Optional.empty();
    }

    public static byte[] json(CloudEvent event) {
        return JSON.serialize(event);
    }

    /**
     * Structured JSON with the data as {@code data_base64}: a dead letter's data may be anything (that is
     * often why it died), and only base64 keeps every byte of it readable back.
     */
    public static byte[] jsonWithBase64Data(CloudEvent event) {
        return BASE64_JSON.serialize(event);
    }

    public static CloudEvent fromJson(byte[] json) {
        return JSON.deserialize(json);
    }

    static boolean isEvent(Map<String, String> lowerCaseHeaders) {
        String contentType = lowerCaseHeaders.getOrDefault("content-type", "");
        return lowerCaseHeaders.containsKey("ce-specversion")
                || contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json");
    }

    private static Map<String, String> lowerCase(Map<String, String> headers) {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }
}
