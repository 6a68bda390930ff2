package dev.serverlessapp.support.cloudevents;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.format.EventSerializationException;
import io.cloudevents.rw.CloudEventDataMapper;
import io.cloudevents.rw.CloudEventRWException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CloudEvents JSON format (structured mode, {@code application/cloudevents+json}) on Jackson 3, the
 * Jackson that Spring already loads. The SDK's own format (cloudevents-json-jackson) is built on Jackson 2:
 * a second Jackson generation of some 460 classes, which the AOT cache keeps resident in every function.
 * Same rules as the SDK's: {@code data} holds JSON when {@code datacontenttype} is JSON (or absent), a
 * string for text, else {@code data_base64}; other members are extensions. Registered for
 * {@code EventFormatProvider} in META-INF/services, so the SDK's structured-mode reader finds it.
 */
public final class JsonEventFormat implements EventFormat {

    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern JSON_CONTENT_TYPE = Pattern.compile("^(application|text)/([a-zA-Z]+\\+)?json(;.*)*$");

    @Override
    public byte[] serialize(CloudEvent event) throws EventSerializationException {
        try {
            ObjectNode node = JSON.createObjectNode();
            node.put("specversion", event.getSpecVersion().toString());
            node.put("id", event.getId());
            node.put("source", event.getSource().toString());
            node.put("type", event.getType());
            putIfSet(node, "datacontenttype", event.getDataContentType());
            putIfSet(node, "dataschema", event.getDataSchema());
            putIfSet(node, "subject", event.getSubject());
            putIfSet(node, "time", event.getTime());
            for (String name : event.getExtensionNames()) {
                Object value = event.getExtension(name);
                switch (value) {
                    case Boolean flag -> node.put(name, flag);
                    case Integer number -> node.put(name, number);
                    case byte[] bytes -> node.put(name, Base64.getEncoder().encodeToString(bytes));
                    case OffsetDateTime time -> node.put(name, time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                    default -> node.put(name, value.toString());
                }
            }
            if (event.getData() != null) {
                putData(node, event.getDataContentType(), event.getData().toBytes());
            }
            return JSON.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new EventSerializationException(e);
        }
    }

    private static void putData(ObjectNode node, String contentType, byte[] data) {
        if (isJson(contentType)) {
            try {
                node.set("data", JSON.readTree(data));
                return;
            } catch (JacksonException notJsonAfterAll) {
                // Declared JSON but is not: kept byte for byte.
            }
        } else if (contentType.toLowerCase(Locale.ROOT).startsWith("text/")) {
            node.put("data", new String(data, StandardCharsets.UTF_8));
            return;
        }
        node.put("data_base64", Base64.getEncoder().encodeToString(data));
    }

    private static void putIfSet(ObjectNode node, String name, Object value) {
        if (value instanceof OffsetDateTime time) {
            node.put(name, time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        } else if (value != null) {
            node.put(name, value.toString());
        }
    }

    @Override
    public CloudEvent deserialize(byte[] bytes, CloudEventDataMapper<? extends CloudEventData> mapper)
            throws EventDeserializationException {
        try {
            JsonNode tree = JSON.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw invalid("A CloudEvent in JSON format is an object, not " + (tree == null ? "nothing" : tree.getNodeType()));
            }
            ObjectNode node = (ObjectNode) tree.deepCopy();
            SpecVersion specVersion = SpecVersion.parse(required(node, "specversion"));
            CloudEventBuilder event = CloudEventBuilder.fromSpecVersion(specVersion);
            for (String name : specVersion.getMandatoryAttributes()) {
                if (!name.equals("specversion")) {
                    event.withContextAttribute(name, required(node, name));
                }
            }
            String contentType = optional(node, "datacontenttype");
            for (String name : specVersion.getOptionalAttributes()) {
                String value = name.equals("datacontenttype") ? contentType : optional(node, name);
                if (value != null && !name.equals("datacontentencoding")) {
                    event.withContextAttribute(name, value);
                }
            }
            byte[] data = data(node, specVersion, contentType);
            for (Map.Entry<String, JsonNode> extension : node.properties()) {
                JsonNode value = extension.getValue();
                switch (value.getNodeType()) {
                    case BOOLEAN -> event.withContextAttribute(extension.getKey(), value.booleanValue());
                    case NUMBER -> event.withContextAttribute(extension.getKey(), value.numberValue());
                    case STRING -> event.withContextAttribute(extension.getKey(), value.stringValue());
                    default -> event.withContextAttribute(extension.getKey(), value.toString());
                }
            }
            if (data == null) {
                return event.build();
            }
            CloudEventData mapped = mapper.map(BytesCloudEventData.wrap(data));
            return event.withData(mapped).build();
        } catch (JacksonException | CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            throw new EventDeserializationException(e);
        }
    }

    /** {@code data} or {@code data_base64} (0.3: {@code data} with {@code datacontentencoding: base64}), removed from the node. */
    private static byte[] data(ObjectNode node, SpecVersion specVersion, String contentType) {
        boolean base64Encoded = specVersion == SpecVersion.V03 && "base64".equals(optional(node, "datacontentencoding"));
        JsonNode data = node.remove("data");
        JsonNode base64 = node.remove("data_base64");
        if (data != null && base64 != null) {
            throw invalid("A CloudEvent cannot have both 'data' and 'data_base64'");
        }
        if (base64 != null) {
            return decodeBase64(base64, "data_base64");
        }
        if (data == null) {
            return null;
        }
        if (base64Encoded) {
            return decodeBase64(data, "data");
        }
        if (isJson(contentType)) {
            return JSON.writeValueAsBytes(data);
        }
        if (!data.isString()) {
            throw invalid("Wrong type " + data.getNodeType() + " for 'data': a content type that is not JSON takes a string");
        }
        return data.stringValue().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] decodeBase64(JsonNode node, String name) {
        if (!node.isString()) {
            throw invalid("Wrong type " + node.getNodeType() + " for '" + name + "', expecting a base64 string");
        }
        try {
            return Base64.getDecoder().decode(node.stringValue());
        } catch (IllegalArgumentException e) {
            throw invalid("'" + name + "' is not base64: " + e.getMessage());
        }
    }

    private static String required(ObjectNode node, String name) {
        String value = optional(node, name);
        if (value == null) {
            throw invalid("Missing mandatory " + name + " attribute");
        }
        return value;
    }

    private static String optional(ObjectNode node, String name) {
        JsonNode value = node.remove(name);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw invalid("Wrong type " + value.getNodeType() + " for attribute " + name + ", expecting STRING");
        }
        return value.stringValue();
    }

    /** The SDK's rule (its JsonFormat): no content type, or {@code application|text/[x+]json[;...]}. */
    static boolean isJson(String contentType) {
        return contentType == null || JSON_CONTENT_TYPE.matcher(contentType).matches();
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(message);
    }

    @Override
    public String serializedContentType() {
        return CONTENT_TYPE;
    }
}
