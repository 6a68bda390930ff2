package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.Json.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The kube-apiserver's own checks of every object's metadata (ValidateObjectMeta): the name's form
 * for its kind, the namespace, label keys and values, annotation keys and their total size. The
 * labels and annotations of a Knative Service's template end up on its pods, so they are checked
 * the same way.
 */
final class ApiServerRules {

    private static final long ANNOTATIONS_MAX_BYTES = 256 * 1024;
    private static final Set<String> DNS1123_LABEL_NAMES = Set.of("Namespace");
    private static final Set<String> DNS1123_SUBDOMAIN_NAMES = Set.of("ServiceAccount", "ConfigMap", "Secret");

    private ApiServerRules() {
    }

    static List<Problem> check(String object, JsonNode resource) {
        List<Problem> problems = new ArrayList<>();
        JsonNode metadata = resource.path("metadata");
        String kind = text(resource, "kind");
        String name = text(metadata, "name");
        if (name.isEmpty()) {
            problems.add(new Problem(object, "metadata.name", "Required value: name or generateName is required"));
        } else {
            List<String> errors = DNS1123_LABEL_NAMES.contains(kind) ? Names.dns1123Label(name)
                    : DNS1123_SUBDOMAIN_NAMES.contains(kind) ? Names.dns1123Subdomain(name) : Names.pathSegment(name);
            errors.forEach(e -> problems.add(new Problem(object, "metadata.name", "Invalid value: \"" + name + "\": " + e)));
        }
        String namespace = text(metadata, "namespace");
        if (!namespace.isEmpty()) {
            Names.dns1123Label(namespace).forEach(e -> problems.add(new Problem(object, "metadata.namespace",
                    "Invalid value: \"" + namespace + "\": " + e)));
        }
        problems.addAll(labelsAndAnnotations(object, metadata, "metadata"));
        if (kind.equals("Service") && text(resource, "apiVersion").equals("serving.knative.dev/v1")) {
            problems.addAll(labelsAndAnnotations(object, resource.path("spec").path("template").path("metadata"), "spec.template.metadata"));
        }
        return problems;
    }

    private static List<Problem> labelsAndAnnotations(String object, JsonNode metadata, String path) {
        List<Problem> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> label : metadata.path("labels").properties()) {
            String where = path + ".labels." + label.getKey();
            Names.qualifiedName(label.getKey()).forEach(e -> problems.add(new Problem(object, where, "Invalid value: \""
                    + label.getKey() + "\": " + e)));
            String value = label.getValue().isNull() ? "" : label.getValue().asString();
            Names.labelValue(value).forEach(e -> problems.add(new Problem(object, where, "Invalid value: \"" + value + "\": " + e)));
        }
        long size = 0;
        for (Map.Entry<String, JsonNode> annotation : metadata.path("annotations").properties()) {
            Names.qualifiedName(annotation.getKey().toLowerCase(java.util.Locale.ROOT)).forEach(e -> problems.add(new Problem(object,
                    path + ".annotations." + annotation.getKey(), "Invalid value: \"" + annotation.getKey() + "\": " + e)));
            size += annotation.getKey().getBytes(StandardCharsets.UTF_8).length
                    + annotation.getValue().asString().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ANNOTATIONS_MAX_BYTES) {
            problems.add(new Problem(object, path + ".annotations", "Too long: must have at most " + ANNOTATIONS_MAX_BYTES + " bytes"));
        }
        return problems;
    }
}
