package dev.serverlessapp.deploy.upstream;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The openAPIV3Schemas of upstream CRDs, each checked the way a kube-apiserver with strict field
 * validation checks a create ({@link StructuralSchema} says how the schema is read).
 */
public final class CrdSchemas {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .pathType(PathType.JSON_PATH)
                    .formatAssertionsEnabled(true)
                    .locale(Locale.ROOT)
                    .build()));

    private record Crd(Path file, JsonNode openApiV3Schema, Schema schema) {
    }

    private final Map<String, Crd> byKind;

    private CrdSchemas(Map<String, Crd> byKind) {
        this.byKind = Map.copyOf(byKind);
    }

    /** Loads every served version of every CRD in these files. */
    public static CrdSchemas load(List<Path> files) {
        Map<String, Crd> byKind = new HashMap<>();
        for (Path file : files) {
            for (JsonNode crd : documents(file)) {
                if (!"CustomResourceDefinition".equals(crd.path("kind").asString(""))) {
                    continue;
                }
                String group = crd.path("spec").path("group").asString();
                String kind = crd.path("spec").path("names").path("kind").asString();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    if (version.path("served").asBoolean(false)) {
                        JsonNode openApi = version.path("schema").path("openAPIV3Schema");
                        String key = group + "/" + version.path("name").asString() + "/" + kind;
                        try {
                            byKind.put(key, new Crd(file, openApi, REGISTRY.getSchema(StructuralSchema.toJsonSchema(openApi))));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(file + " " + key + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
        }
        return new CrdSchemas(byKind);
    }

    /** Whether a CRD for this apiVersion and kind was loaded. */
    public boolean covers(String apiVersion, String kind) {
        return byKind.containsKey(apiVersion + "/" + kind);
    }

    /** The CRD file that defines this kind, for messages. */
    public Optional<Path> fileOf(String apiVersion, String kind) {
        return Optional.ofNullable(byKind.get(apiVersion + "/" + kind)).map(Crd::file);
    }

    /** What the apiserver would refuse in this object; empty when it would store it. */
    public List<Problem> validate(String object, JsonNode resource) {
        Crd crd = byKind.get(resource.path("apiVersion").asString("") + "/" + resource.path("kind").asString(""));
        if (crd == null) {
            return List.of(new Problem(object, "", "no CRD for " + resource.path("apiVersion").asString("") + " "
                    + resource.path("kind").asString("") + " is vendored: the kind would not be found"));
        }
        ObjectNode prepared = (ObjectNode) resource.deepCopy();
        List<Problem> problems = new ArrayList<>(StructuralSchema.prepare(object, crd.openApiV3Schema(), prepared));
        Map<String, List<String>> expectedTypes = new LinkedHashMap<>();
        Map<String, String> foundTypes = new HashMap<>();
        for (Error error : crd.schema().validate(prepared)) {
            if (error.getKeyword().equals("type")) {
                // An int-or-string (or nullable) field fails once per admitted type: say it once.
                String path = pathOf(error);
                foundTypes.put(path, String.valueOf(error.getArguments()[0]));
                expectedTypes.computeIfAbsent(path, p -> new ArrayList<>()).add(String.valueOf(error.getArguments()[1]));
            } else {
                problems.add(toProblem(object, error));
            }
        }
        expectedTypes.forEach((path, expected) -> problems.add(new Problem(object, path,
                foundTypes.get(path) + " found, " + String.join(" or ", expected) + " expected")));
        return problems;
    }

    private static String pathOf(Error error) {
        return error.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
    }

    private static Problem toProblem(String object, Error error) {
        String path = pathOf(error);
        return switch (error.getKeyword()) {
            case "additionalProperties" -> new Problem(object, StructuralSchema.join(path, error.getProperty()),
                    "field not declared in the schema (strict field validation refuses it)");
            case "required" -> new Problem(object, StructuralSchema.join(path, error.getProperty()), "Required value");
            default -> new Problem(object, path, error.getKeyword() + ": " + error.getMessage());
        };
    }

    private static List<JsonNode> documents(Path file) {
        try (var values = YAML.readValues(YAML.createParser(Files.readString(file)), JsonNode.class)) {
            return values.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
