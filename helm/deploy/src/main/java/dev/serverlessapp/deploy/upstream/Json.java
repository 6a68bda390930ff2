package dev.serverlessapp.deploy.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Reading raw objects the way Go's zero values read them: absent, null, false, 0, "" and empty are "not set". */
final class Json {

    private Json() {
    }

    static boolean isSet(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            return value.asDouble() != 0;
        }
        if (value.isString()) {
            return !value.asString().isEmpty();
        }
        return !value.isEmpty();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asString() : "";
    }

    /** The fields that are set (non-zero), in order. */
    static List<String> setFields(JsonNode node) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (isSet(field.getValue())) {
                fields.add(field.getKey());
            }
        }
        return fields;
    }

    static String at(String path, String field) {
        return StructuralSchema.join(path, field);
    }

    static String at(String path, String field, int index) {
        return StructuralSchema.join(path, field) + "[" + index + "]";
    }
}
