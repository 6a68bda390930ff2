package dev.serverlessapp.deploy.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The cluster configuration the Knative webhooks decide with: Serving's {@code config-features},
 * {@code config-defaults} and {@code config-autoscaler} (their defaults are the {@code _example}
 * blocks, which Knative's own tests keep equal to the code's defaults) and Eventing's
 * {@code config-features}, as vendored for a release, with the operator's changes on top.
 */
public final class KnativeConfig {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private final Map<String, String> serving;
    private final Map<String, String> eventing;

    private KnativeConfig(Map<String, String> serving, Map<String, String> eventing) {
        this.serving = Map.copyOf(serving);
        this.eventing = Map.copyOf(eventing);
    }

    /** The release's defaults. */
    public static KnativeConfig defaults(Path upstream, UpstreamRelease release) {
        Map<String, String> serving = new HashMap<>();
        for (String name : new String[] {"config-features", "config-defaults", "config-autoscaler"}) {
            serving.putAll(example(release.servingDir(upstream).resolve(name + ".yaml")));
        }
        return new KnativeConfig(serving, data(release.eventingDir(upstream).resolve("config-features.yaml")));
    }

    /** The same with some Eventing features changed, e.g. {@code authentication-oidc: enabled}. */
    public KnativeConfig withEventing(Map<String, String> changes) {
        Map<String, String> changed = new HashMap<>(eventing);
        changed.putAll(changes);
        return new KnativeConfig(serving, changed);
    }

    /** The same with some Serving settings changed, e.g. {@code max-revision-timeout-seconds}. */
    public KnativeConfig withServing(Map<String, String> changes) {
        Map<String, String> changed = new HashMap<>(serving);
        changed.putAll(changes);
        return new KnativeConfig(changed, eventing);
    }

    /** A Serving feature flag: enabled, allowed or disabled (absent = disabled). */
    String servingFlag(String key) {
        return serving.getOrDefault(key, "disabled").toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the field mask lets a flagged field through (allowed or enabled). */
    boolean servingAllows(String key) {
        return !servingFlag(key).equals("disabled");
    }

    boolean servingEnabled(String key) {
        return servingFlag(key).equals("enabled");
    }

    long servingLong(String key, long fallback) {
        String value = serving.get(key);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    String servingText(String key, String fallback) {
        return serving.getOrDefault(key, fallback);
    }

    boolean eventingEnabled(String key) {
        return "enabled".equalsIgnoreCase(eventing.get(key));
    }

    private static Map<String, String> example(Path configMap) {
        String example = read(configMap).path("data").path("_example").asString("");
        return strings(YAML.readTree(example));
    }

    private static Map<String, String> data(Path configMap) {
        return strings(read(configMap).path("data"));
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> values = new HashMap<>();
        node.properties().forEach(e -> values.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString()));
        return values;
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
