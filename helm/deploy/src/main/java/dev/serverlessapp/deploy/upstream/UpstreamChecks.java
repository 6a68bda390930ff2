package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.Json.text;

import dev.serverlessapp.deploy.ManifestException;
import dev.serverlessapp.deploy.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Rendered manifests checked against one supported Knative release as a cluster would check them on
 * {@code kubectl apply} / {@code helm install}:
 * <ol>
 *   <li>the kube-apiserver: the CRD's openAPIV3Schema under strict field validation
 *       ({@link CrdSchemas}) and ObjectMeta ({@link ApiServerRules});</li>
 *   <li>Knative Eventing's webhook decodes strictly into its Go types: here fabric8's typed models
 *       ({@link Manifests#parse}) stand in for them;</li>
 *   <li>the webhooks' rules: {@link ServingRules}, {@link EventingRules}, {@link KafkaBrokerRules}.</li>
 * </ol>
 * Built-in kinds (Namespace, ServiceAccount, ConfigMap, Secret) have no CRD: fabric8's models and
 * the metadata rules check them.
 */
public final class UpstreamChecks {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final Set<String> BUILT_IN = Set.of("v1/Namespace", "v1/ServiceAccount", "v1/ConfigMap", "v1/Secret");

    private final UpstreamRelease release;
    private final KnativeConfig config;
    private final CrdSchemas schemas;

    private UpstreamChecks(UpstreamRelease release, KnativeConfig config, CrdSchemas schemas) {
        this.release = release;
        this.config = config;
        this.schemas = schemas;
    }

    /** The release's CRDs and its default cluster configuration, from the vendored {@code upstream} directory. */
    public static UpstreamChecks of(Path upstream, UpstreamRelease release) {
        return new UpstreamChecks(release, KnativeConfig.defaults(upstream, release), CrdSchemas.load(release.crdFiles(upstream)));
    }

    /** The same checks on a cluster configured differently (e.g. with authentication-oidc on). */
    public UpstreamChecks withConfig(java.util.function.UnaryOperator<KnativeConfig> change) {
        return new UpstreamChecks(release, change.apply(config), schemas);
    }

    public UpstreamRelease release() {
        return release;
    }

    /** Everything the cluster would refuse in this multi-document YAML; empty when it installs. */
    public List<Problem> check(String yaml) {
        List<Problem> problems = new ArrayList<>();
        Map<String, JsonNode> byObject = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode resource : documents(yaml)) {
            index++;
            String object = text(resource, "kind") + " " + text(resource.path("metadata"), "name");
            if (byObject.containsKey(object)) {
                object = object + " (document " + index + ")";
            }
            byObject.put(object, resource);
        }
        byObject.forEach((object, resource) -> problems.addAll(check(object, resource)));
        problems.addAll(KafkaBrokerRules.check(byObject));
        try {
            Manifests.parse(yaml);
        } catch (ManifestException e) {
            problems.add(new Problem("strict decoding", "", e.getMessage()));
        }
        return problems;
    }

    /** {@link #check}, failing with every problem (object and field path) when there is any. */
    public void requireInstallable(String yaml) {
        List<Problem> problems = check(yaml);
        if (!problems.isEmpty()) {
            throw new ManifestException(problems.size() + " object(s) or fields that " + release + " would refuse:\n  "
                    + String.join("\n  ", problems.stream().map(Problem::toString).toList()));
        }
    }

    private List<Problem> check(String object, JsonNode resource) {
        List<Problem> problems = new ArrayList<>(ApiServerRules.check(object, resource));
        String apiVersion = text(resource, "apiVersion");
        String kind = text(resource, "kind");
        if (BUILT_IN.contains(apiVersion + "/" + kind)) {
            return problems;
        }
        problems.addAll(schemas.validate(object, resource));
        if (apiVersion.equals("serving.knative.dev/v1") && kind.equals("Service")) {
            problems.addAll(ServingRules.check(object, resource, config, release));
        } else if (apiVersion.endsWith("knative.dev/v1") || apiVersion.endsWith("knative.dev/v1alpha1")) {
            problems.addAll(EventingRules.check(object, resource, config, release));
        }
        return problems;
    }

    private static List<JsonNode> documents(String yaml) {
        try (var values = YAML.readValues(YAML.createParser(yaml), JsonNode.class)) {
            return values.readAll().stream().filter(d -> d != null && d.isObject() && !d.isEmpty()).toList();
        }
    }
}
