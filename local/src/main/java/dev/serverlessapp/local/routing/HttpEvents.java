package dev.serverlessapp.local.routing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CloudEvents over HTTP: binary mode out, binary or structured mode in (the CloudEvents SDK does the work).
 * Attribute values travel in binary mode's {@code ce-*} headers as raw UTF-8 bytes, as Knative's broker
 * sends them; Netty reads and writes header bytes as ISO-8859-1 characters, so they are converted here.
 */
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
        Map<String, String> lower = lowerCase(headers);
        lower.replaceAll((name, value) -> isAttribute(name)
                ? new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1) : value);
        return new Message(lower, body[0]);
    }

    /**
     * Reads an event in binary or structured mode; throws {@link IllegalArgumentException} when there is
     * none, or when a {@code ce-*} header is not UTF-8, and {@link UnsupportedModeException} for a mode
     * or format the broker does not take.
     */
    public static CloudEvent read(Map<String, String> headers, byte[] body) {
        return read(headers, body, true);
    }

    /**
     * A subscriber's reply event; an answer without one (e.g. 202 with no ce-* headers) is no reply. A
     * Java function writes a header's characters up to U+00FF as single bytes, so a header that is not
     * UTF-8 is taken as ISO-8859-1 here rather than losing the reply.
     */
    public static Optional<CloudEvent> reply(Map<String, String> headers, byte[] body) {
        Map<String, String> lower = lowerCase(headers);
        return isEvent(lower) ? Optional.of(read(lower, body, false)) : Optional.empty();
    }

    private static CloudEvent read(Map<String, String> headers, byte[] body, boolean strictUtf8) {
        Map<String, String> lower = lowerCase(headers);
        String contentType = lower.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
        if (contentType.startsWith("application/cloudevents-batch")) {
            throw new UnsupportedModeException("Batched CloudEvents are not taken: send one event per request");
        }
        if (contentType.startsWith("application/cloudevents") && !contentType.startsWith(JsonFormat.CONTENT_TYPE)) {
            throw new UnsupportedModeException("Structured mode takes only " + JsonFormat.CONTENT_TYPE + ", not "
                    + contentType);
        }
        if (!isEvent(lower)) {
            throw new IllegalArgumentException("Not a CloudEvent: no ce-specversion header and no "
                    + "application/cloudevents+json body");
        }
        for (Map.Entry<String, String> header : lower.entrySet()) {
            if (isAttribute(header.getKey())) {
                header.setValue(utf8(header.getKey(), header.getValue(), strictUtf8));
            }
        }
        try {
            return HttpMessageFactory.createReader(lower, body).toEvent();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a valid CloudEvent: " + e.getMessage(), e);
        }
    }

    private static boolean isAttribute(String lowerCaseHeader) {
        return lowerCaseHeader.startsWith("ce-");
    }

    /** The header's bytes (one per ISO-8859-1 character, as Netty reads them) decoded as UTF-8. */
    private static String utf8(String name, String value, boolean strict) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            if (strict) {
                throw new IllegalArgumentException("The " + name + " header is not UTF-8");
            }
            return value;
        }
    }

    /** A content mode or event format the broker does not take (batch mode, structured XML, …). */
    public static final class UnsupportedModeException extends IllegalArgumentException {
        UnsupportedModeException(String message) {
            super(message);
        }
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
