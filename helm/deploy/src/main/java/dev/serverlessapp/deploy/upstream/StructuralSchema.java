package dev.serverlessapp.deploy.upstream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CRD's {@code openAPIV3Schema} (a Kubernetes structural schema) as a JSON Schema (draft 4, which
 * has OpenAPI 3.0's boolean {@code exclusiveMinimum}) with the meaning the kube-apiserver gives it
 * under strict field validation, plus the two steps the apiserver takes before validating:
 * <ul>
 *   <li>an object field the schema does not declare is refused, unless
 *       {@code x-kubernetes-preserve-unknown-fields} keeps it ({@code additionalProperties: false});</li>
 *   <li>{@code x-kubernetes-int-or-string} is an integer or a string; {@code nullable} admits null;</li>
 *   <li>{@code x-kubernetes-list-type: set} has unique items, {@code map} unique keys
 *       ({@link #prepare});</li>
 *   <li>{@code x-kubernetes-embedded-resource} needs {@code apiVersion} and {@code kind};</li>
 *   <li>of the string formats the apiserver checks, the vendored CRDs use {@code date-time} only, which
 *       is checked; any other fails the load; {@code int32}/{@code int64} name number sizes;</li>
 *   <li>{@code metadata} is the apiserver's ObjectMeta, checked elsewhere ({@link ApiServerRules});</li>
 *   <li>before validation, {@link #prepare} drops nulls of non-nullable fields and applies
 *       {@code default}s, as the apiserver's defaulting does.</li>
 * </ul>
 * CEL rules ({@code x-kubernetes-validations}) that compare with {@code oldSelf} are transition
 * rules and only run on updates; any other rule is refused when the schema is loaded, so that a
 * new upstream rule cannot pass unchecked.
 */
final class StructuralSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> ENFORCED_FORMATS = Set.of("date-time");
    // Formats the apiserver checks on strings (kube-openapi strfmt) that no vendored CRD uses yet:
    // a CRD that starts using one fails the load rather than pass unchecked.
    private static final Set<String> UNCHECKED_FORMATS = Set.of("bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6",
            "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor",
            "rgbcolor", "byte", "password", "date", "duration", "datetime");
    private static final Set<String> DROPPED = Set.of("description", "title", "example", "default", "nullable", "format",
            "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource",
            "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations");

    private StructuralSchema() {
    }

    /** The JSON Schema that refuses what the apiserver refuses. */
    static ObjectNode toJsonSchema(JsonNode openApiV3Schema) {
        ObjectNode root = convert(openApiV3Schema, true, "");
        ObjectNode properties = root.has("properties") ? (ObjectNode) root.get("properties") : root.putObject("properties");
        properties.set("metadata", NODES.objectNode().put("type", "object"));
        properties.set("apiVersion", NODES.objectNode().put("type", "string"));
        properties.set("kind", NODES.objectNode().put("type", "string"));
        root.put("$schema", "http://json-schema.org/draft-04/schema#");
        return root;
    }

    private static ObjectNode convert(JsonNode schema, boolean closeObjects, String where) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            if (!DROPPED.contains(field.getKey())) {
                out.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        checkRules(schema, where);
        String format = schema.path("format").asString("");
        if (ENFORCED_FORMATS.contains(format)) {
            out.put("format", format);
        } else if (UNCHECKED_FORMATS.contains(format) && "string".equals(schema.path("type").asString(""))) {
            throw new IllegalArgumentException("format " + format + " at " + where + " is checked by the apiserver and not here");
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.remove("type");
            if (!out.has("anyOf")) {
                out.set("type", NODES.arrayNode().add("integer").add("string"));
            }
        }
        if (schema.path("nullable").asBoolean(false)) {
            if (out.has("type") && out.get("type").isString()) {
                out.set("type", NODES.arrayNode().add(out.get("type").asString()).add("null"));
            }
            if (out.has("enum")) {
                ((ArrayNode) out.get("enum")).addNull();
            }
        }
        if ("set".equals(schema.path("x-kubernetes-list-type").asString(""))) {
            out.put("uniqueItems", true);
        }
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            ArrayNode required = out.has("required") ? (ArrayNode) out.get("required") : out.putArray("required");
            required.add("apiVersion").add("kind");
        }
        if (schema.has("properties")) {
            ObjectNode properties = out.putObject("properties");
            for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
                properties.set(property.getKey(), convert(property.getValue(), closeObjects, where + "." + property.getKey()));
            }
        }
        if (schema.has("items") && schema.get("items").isObject()) {
            out.set("items", convert(schema.get("items"), closeObjects, where + "[]"));
        }
        if (schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
            out.set("additionalProperties", convert(schema.get("additionalProperties"), closeObjects, where + ".*"));
        }
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                ArrayNode branches = out.putArray(combinator);
                // Value validations only: they may name properties but never close the object.
                schema.get(combinator).forEach(branch -> branches.add(convert(branch, false, where)));
            }
        }
        if (schema.has("not")) {
            out.set("not", convert(schema.get("not"), false, where));
        }
        boolean isObject = "object".equals(schema.path("type").asString("")) || schema.has("properties");
        if (closeObjects && isObject && !preserve && !schema.has("additionalProperties")) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private static void checkRules(JsonNode schema, String where) {
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expression = rule.path("rule").asString("");
            if (!expression.contains("oldSelf")) {
                throw new IllegalArgumentException("CEL rule at " + where + " is not a transition rule and is not evaluated here: "
                        + expression);
            }
        }
    }

    /**
     * What the apiserver does to an object before it validates it: nulls of non-nullable fields are
     * dropped and defaults applied. Returns the list-map key clashes it finds on the way.
     */
    static List<Problem> prepare(String object, JsonNode openApiV3Schema, ObjectNode instance) {
        List<Problem> problems = new ArrayList<>();
        walk(object, openApiV3Schema, instance, "", problems, true);
        return problems;
    }

    private static void walk(String object, JsonNode schema, JsonNode instance, String path, List<Problem> problems, boolean root) {
        if (instance instanceof ObjectNode fields) {
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey())
                        : schema.path("additionalProperties");
                if (field.getValue().isNull() && fieldSchema.isObject() && !fieldSchema.path("nullable").asBoolean(false)) {
                    it.remove();
                }
            }
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                if (!fields.has(property.getKey()) && property.getValue().has("default") && !(root && property.getKey().equals("metadata"))) {
                    fields.set(property.getKey(), property.getValue().get("default").deepCopy());
                }
            }
            for (Map.Entry<String, JsonNode> field : fields.properties()) {
                JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey()) : schema.path("additionalProperties");
                if (fieldSchema.isObject() && !(root && field.getKey().equals("metadata"))) {
                    walk(object, fieldSchema, field.getValue(), join(path, field.getKey()), problems, false);
                }
            }
        } else if (instance instanceof ArrayNode items) {
            JsonNode itemSchema = schema.path("items");
            if ("map".equals(schema.path("x-kubernetes-list-type").asString(""))) {
                problems.addAll(duplicateKeys(object, path, items, schema.path("x-kubernetes-list-map-keys")));
            }
            for (int i = 0; i < items.size(); i++) {
                if (itemSchema.isObject()) {
                    walk(object, itemSchema, items.get(i), path + "[" + i + "]", problems, false);
                }
            }
        }
    }

    private static List<Problem> duplicateKeys(String object, String path, ArrayNode items, JsonNode keyNames) {
        List<Problem> problems = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            List<String> key = new ArrayList<>();
            keyNames.forEach(name -> key.add(item.path(name.asString()).toString()));
            if (!seen.add(key)) {
                problems.add(new Problem(object, path + "[" + i + "]", "Duplicate value: " + key
                        + " (x-kubernetes-list-type map, keys " + keyNames + ")"));
            }
        }
        return problems;
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
