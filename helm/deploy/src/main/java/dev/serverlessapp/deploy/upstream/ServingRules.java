package dev.serverlessapp.deploy.upstream;

import static dev.serverlessapp.deploy.upstream.Json.at;
import static dev.serverlessapp.deploy.upstream.Json.isSet;
import static dev.serverlessapp.deploy.upstream.Json.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What Knative Serving's webhook refuses in a {@code serving.knative.dev/v1} Service on create,
 * ported from {@code pkg/apis/serving} (k8s_validation.go, fieldmask.go, metadata_validation.go,
 * v1/revision_validation.go, v1/revision_defaults.go) and {@code pkg/apis/autoscaling} at the
 * vendored tags. The field masks (allow-lists) follow the release's feature flags
 * ({@link KnativeConfig}); the readiness probe is checked after Knative's defaulting, as the
 * webhook does. Stricter than Knative in one place: an {@code autoscaling.knative.dev/} annotation
 * Knative does not read is reported, because Knative would silently ignore it.
 */
final class ServingRules {

    private static final Set<String> RESERVED_ENV = Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION");
    // queue-proxy's 8012, 8013, 8022, 9090, 9091 and the profiling port 8008.
    private static final Set<Long> RESERVED_PORTS = Set.of(8012L, 8013L, 8022L, 9090L, 9091L, 8008L);
    private static final Set<String> RESERVED_PATHS = Set.of("/", "/dev", "/dev/log");
    private static final Set<String> PORT_NAMES = Set.of("h2c", "http1", "");
    private static final long MAX_ID = Integer.MAX_VALUE;
    private static final String AUTOSCALING = "autoscaling.knative.dev/";
    private static final String KPA = "kpa.autoscaling.knative.dev";
    private static final String HPA = "hpa.autoscaling.knative.dev";
    private static final Duration WINDOW_MIN = Duration.ofSeconds(6);
    private static final Duration WINDOW_MAX = Duration.ofHours(1);
    // Every key Knative's autoscaler reads (register.go: the KeyPriority lists, old spellings included).
    private static final Set<String> AUTOSCALING_KEYS = Set.of("class", "min-scale", "minScale", "max-scale", "maxScale",
            "initial-scale", "initialScale", "scale-down-delay", "scaleDownDelay", "metric", "target",
            "scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod", "metric-aggregation-algorithm",
            "metricAggregationAlgorithm", "window", "target-utilization-percentage", "targetUtilizationPercentage",
            "target-burst-capacity", "targetBurstCapacity", "panic-window-percentage", "panicWindowPercentage",
            "panic-threshold-percentage", "panicThresholdPercentage", "activation-scale");
    // go-containerregistry's name.ParseReference (weak validation): [registry/]repository[:tag][@digest].
    private static final Pattern IMAGE = Pattern.compile(
            "(?:(?:[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*(?::\\d+)?|\\[[0-9a-fA-F:]+](?::\\d+)?)/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");

    private final String object;
    private final KnativeConfig config;
    private final UpstreamRelease release;
    private final List<Problem> problems = new ArrayList<>();

    private ServingRules(String object, KnativeConfig config, UpstreamRelease release) {
        this.object = object;
        this.config = config;
        this.release = release;
    }

    static List<Problem> check(String object, JsonNode service, KnativeConfig config, UpstreamRelease release) {
        ServingRules rules = new ServingRules(object, config, release);
        rules.service(service);
        return rules.problems;
    }

    private void add(String path, String message) {
        problems.add(new Problem(object, path, message));
    }

    private void service(JsonNode service) {
        JsonNode metadata = service.path("metadata");
        String name = text(metadata, "name");
        Names.dns1035Label(name).forEach(e -> add("metadata.name", "not a DNS 1035 label: " + e));
        for (Map.Entry<String, JsonNode> annotation : metadata.path("annotations").properties()) {
            if (annotation.getKey().startsWith("autoscaling.knative.dev")) {
                add("metadata.annotations." + annotation.getKey(),
                        "invalid key name: autoscaling annotations must be put under \"spec.template.metadata.annotations\" to work");
            }
        }
        goDurationAnnotation(metadata, "serving.knative.dev/rollout-duration", "metadata.annotations");
        String visibility = text(metadata.path("labels"), "networking.knative.dev/visibility");
        if (!visibility.isEmpty() && !visibility.equals("cluster-local")) {
            add("metadata.labels.networking.knative.dev/visibility", "Knative reads only the value cluster-local; '" + visibility
                    + "' leaves the Service external");
        }
        JsonNode template = service.path("spec").path("template");
        revisionTemplate(template, name, "spec.template");
    }

    private void revisionTemplate(JsonNode template, String serviceName, String path) {
        JsonNode metadata = template.path("metadata");
        String revisionName = text(metadata, "name");
        if (!revisionName.isEmpty()) {
            Names.dns1035Label(revisionName).forEach(e -> add(at(path, "metadata.name"), "not a DNS 1035 label: " + e));
            if (!revisionName.startsWith(serviceName + "-")) {
                add(at(path, "metadata.name"), "\"" + revisionName + "\" must have prefix \"" + serviceName + "-\"");
            }
        }
        autoscalingAnnotations(metadata.path("annotations"), at(path, "metadata.annotations"));
        goDurationAnnotation(metadata, "serving.knative.dev/progress-deadline", at(path, "metadata.annotations"));
        JsonNode spec = template.path("spec");
        String specPath = at(path, "spec");
        if (spec.has("timeoutSeconds")) {
            long timeout = spec.path("timeoutSeconds").asLong();
            long max = config.servingLong("max-revision-timeout-seconds", 600);
            if (timeout != 0 && (timeout > max || timeout < 0)) {
                add(at(specPath, "timeoutSeconds"), "expected 0 <= " + timeout + " <= " + max
                        + " (max-revision-timeout-seconds in config-defaults)");
            }
        }
        if (spec.has("containerConcurrency")) {
            long concurrency = spec.path("containerConcurrency").asLong();
            long min = Boolean.parseBoolean(config.servingText("allow-container-concurrency-zero", "true")) ? 0 : 1;
            long max = config.servingLong("container-concurrency-max-limit", 1000);
            if (concurrency < min || concurrency > max) {
                add(at(specPath, "containerConcurrency"), "expected " + min + " <= " + concurrency + " <= " + max);
            }
        }
        podSpec(spec, specPath);
    }

    // --- autoscaling.knative.dev annotations (pkg/apis/autoscaling/annotation_validation.go)

    private void autoscalingAnnotations(JsonNode annotations, String path) {
        Map<String, String> values = new LinkedHashMap<>();
        annotations.properties().forEach(e -> values.put(e.getKey(), e.getValue().asString()));
        for (String key : values.keySet()) {
            if (key.startsWith(AUTOSCALING) && !AUTOSCALING_KEYS.contains(key.substring(AUTOSCALING.length()))) {
                add(at(path, key), "not an annotation Knative's autoscaler reads: it would be ignored");
            }
        }
        String classValue = first(values, "class").map(Map.Entry::getValue).orElse(null);
        if (classValue != null && classValue.endsWith(".knative.dev") && !classValue.equals(KPA) && !classValue.equals(HPA)) {
            add(at(path, AUTOSCALING + "class"), "invalid value: " + classValue);
        }
        long min = nonNegativeInt(values, path, "min-scale", "minScale");
        long max = nonNegativeInt(values, path, "max-scale", "maxScale");
        if (max != 0 && max < min) {
            add(at(path, AUTOSCALING + "max-scale"), "max-scale=" + max + " is less than min-scale=" + min);
        }
        long maxLimit = config.servingLong("max-scale-limit", 0);
        first(values, "max-scale", "maxScale").ifPresent(e -> {
            if (maxLimit != 0 && max > maxLimit) {
                add(at(path, e.getKey()), "expected 1 <= " + max + " <= " + maxLimit + " (max-scale-limit)");
            }
            if (maxLimit != 0 && max == 0) {
                add(at(path, e.getKey()), "max-scale=0 (unlimited), must be less than " + maxLimit);
            }
        });
        first(values, "activation-scale").ifPresent(e -> {
            try {
                long activation = Integer.parseInt(e.getValue());
                if (min > activation) {
                    add(at(path, e.getKey()), "min-scale=" + min + " is greater than activation-scale=" + activation);
                } else if (max != 0 && max < activation) {
                    add(at(path, e.getKey()), "max-scale=" + max + " is less than activation-scale=" + activation);
                } else if (activation < 2) {
                    add(at(path, e.getKey()), "activation-scale=" + activation + " must be greater than 1");
                }
            } catch (NumberFormatException ex) {
                add(at(path, e.getKey()), "invalid value: " + e.getValue());
            }
        });
        floatIn(values, path, 1, 100, "panic-window-percentage", "panicWindowPercentage");
        floatIn(values, path, 110, 1000, "panic-threshold-percentage", "panicThresholdPercentage");
        first(values, "target").ifPresent(e -> number(e, path).filter(v -> v < 0.01).ifPresent(v ->
                add(at(path, e.getKey()), "target " + e.getValue() + " should be at least 0.01")));
        floatIn(values, path, 1, 100, "target-utilization-percentage", "targetUtilizationPercentage");
        first(values, "target-burst-capacity", "targetBurstCapacity").ifPresent(e -> number(e, path)
                .filter(v -> v < 0 && v != -1).ifPresent(v -> add(at(path, e.getKey()), "invalid value: " + e.getValue())));
        first(values, "window").ifPresent(e -> duration(e, path).ifPresent(d -> {
            if (d.compareTo(WINDOW_MIN) < 0 || d.compareTo(WINDOW_MAX) > 0) {
                add(at(path, e.getKey()), "expected 6s <= " + e.getValue() + " <= 1h");
            } else if (d.getNano() != 0) {
                add(at(path, e.getKey()), "must be specified with at most second precision");
            }
        }));
        for (String[] keys : new String[][] {{"scale-down-delay", "scaleDownDelay"},
                {"scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod"}}) {
            first(values, keys).ifPresent(e -> duration(e, path).ifPresent(d -> {
                if (d.isNegative() || d.compareTo(WINDOW_MAX) > 0) {
                    add(at(path, e.getKey()), "expected 0s <= " + e.getValue() + " <= 1h");
                } else if (keys[0].equals("scale-down-delay") && d.getNano() != 0) {
                    add(at(path, e.getKey()), "must be specified with at most second precision");
                }
            }));
        }
        String effectiveClass = classValue != null ? classValue : config.servingText("pod-autoscaler-class", KPA);
        first(values, "metric").ifPresent(e -> {
            boolean valid = switch (effectiveClass) {
                case KPA -> e.getValue().equals("concurrency") || e.getValue().equals("rps");
                case HPA -> !e.getValue().isEmpty();
                default -> true;
            };
            if (!valid) {
                add(at(path, e.getKey()), "invalid value: " + e.getValue() + " (class " + effectiveClass + ")");
            }
        });
        if (KPA.equals(classValue)) {
            first(values, "metric-aggregation-algorithm", "metricAggregationAlgorithm").ifPresent(e -> {
                if (!Set.of("linear", "weighted-exponential", "weightedExponential").contains(e.getValue())) {
                    add(at(path, e.getKey()), "invalid value: " + e.getValue());
                }
            });
        }
        first(values, "initial-scale", "initialScale").ifPresent(e -> {
            try {
                long initial = Long.parseLong(e.getValue());
                if (initial < 0) {
                    add(at(path, e.getKey()), "invalid value: " + e.getValue() + " must be greater than 0");
                } else if (initial == 0 && !Boolean.parseBoolean(config.servingText("allow-zero-initial-scale", "false"))) {
                    add(at(path, e.getKey()), "invalid value: " + e.getValue() + "=0 not allowed by cluster");
                }
            } catch (NumberFormatException ex) {
                add(at(path, e.getKey()), "invalid value: " + e.getValue());
            }
        });
    }

    private static Optional<Map.Entry<String, String>> first(Map<String, String> values, String... keys) {
        for (String key : keys) {
            if (values.containsKey(AUTOSCALING + key)) {
                return Optional.of(Map.entry(AUTOSCALING + key, values.get(AUTOSCALING + key)));
            }
        }
        return Optional.empty();
    }

    private long nonNegativeInt(Map<String, String> values, String path, String... keys) {
        Optional<Map.Entry<String, String>> entry = first(values, keys);
        if (entry.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(entry.get().getValue());
            if (value < 0 || value > Integer.MAX_VALUE) {
                add(at(path, entry.get().getKey()), "expected 0 <= " + entry.get().getValue() + " <= " + Integer.MAX_VALUE);
                return 0;
            }
            return value;
        } catch (NumberFormatException e) {
            add(at(path, entry.get().getKey()), "invalid value: " + entry.get().getValue());
            return 0;
        }
    }

    private void floatIn(Map<String, String> values, String path, double min, double max, String... keys) {
        first(values, keys).ifPresent(e -> number(e, path).filter(v -> v < min || v > max).ifPresent(v ->
                add(at(path, e.getKey()), "expected " + min + " <= " + e.getValue() + " <= " + max)));
    }

    private Optional<Double> number(Map.Entry<String, String> entry, String path) {
        try {
            return Optional.of(Double.parseDouble(entry.getValue()));
        } catch (NumberFormatException e) {
            add(at(path, entry.getKey()), "invalid value: " + entry.getValue());
            return Optional.empty();
        }
    }

    private Optional<Duration> duration(Map.Entry<String, String> entry, String path) {
        Optional<Duration> duration = GoDuration.parse(entry.getValue());
        if (duration.isEmpty()) {
            add(at(path, entry.getKey()), "invalid value: " + entry.getValue() + " (a Go duration such as 90s)");
        }
        return duration;
    }

    private void goDurationAnnotation(JsonNode metadata, String key, String path) {
        String value = text(metadata.path("annotations"), key);
        if (value.isEmpty()) {
            return;
        }
        Optional<Duration> duration = GoDuration.parse(value);
        if (duration.isEmpty()) {
            add(at(path, key), "invalid value: " + value);
        } else if (duration.get().getNano() != 0) {
            add(at(path, key), value + " is not at second precision");
        } else if (duration.get().isNegative()) {
            add(at(path, key), value + " must be positive");
        }
    }

    // --- the pod spec (pkg/apis/serving/k8s_validation.go, fieldmask.go)

    private void podSpec(JsonNode spec, String path) {
        Set<String> allowed = new HashSet<>(Set.of("serviceAccountName", "containers", "volumes", "imagePullSecrets",
                "enableServiceLinks",
                // RevisionSpec's own fields beside the inlined PodSpec
                "containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds"));
        Map<String, String> flagged = new LinkedHashMap<>();
        flagged.put("affinity", "kubernetes.podspec-affinity");
        flagged.put("topologySpreadConstraints", "kubernetes.podspec-topologyspreadconstraints");
        flagged.put("hostAliases", "kubernetes.podspec-hostaliases");
        flagged.put("nodeSelector", "kubernetes.podspec-nodeselector");
        flagged.put("runtimeClassName", "kubernetes.podspec-runtimeclassname");
        flagged.put("tolerations", "kubernetes.podspec-tolerations");
        flagged.put("shareProcessNamespace", "kubernetes.podspec-shareprocessnamespace");
        flagged.put("priorityClassName", "kubernetes.podspec-priorityclassname");
        flagged.put("schedulerName", "kubernetes.podspec-schedulername");
        flagged.put("initContainers", "kubernetes.podspec-init-containers");
        flagged.put("dnsPolicy", "kubernetes.podspec-dnspolicy");
        flagged.put("dnsConfig", "kubernetes.podspec-dnsconfig");
        flagged.put("hostIPC", "kubernetes.podspec-hostipc");
        flagged.put("hostPID", "kubernetes.podspec-hostpid");
        flagged.put("hostNetwork", "kubernetes.podspec-hostnetwork");
        flagged.forEach((field, flag) -> {
            if (config.servingAllows(flag)) {
                allowed.add(field);
            }
        });
        if (config.servingAllows("kubernetes.podspec-securitycontext") || config.servingAllows("secure-pod-defaults")) {
            allowed.add("securityContext");
        }
        // Only `false` gets through the mask (it keeps the token out); `true` is refused.
        if (spec.path("automountServiceAccountToken").isBoolean() && !spec.path("automountServiceAccountToken").asBoolean()) {
            allowed.add("automountServiceAccountToken");
        }
        disallowed(spec, path, allowed, flagged);

        if (spec.has("securityContext")) {
            podSecurityContext(spec.path("securityContext"), at(path, "securityContext"));
        }
        Set<String> mounted = new HashSet<>();
        for (String containers : List.of("containers", "initContainers")) {
            spec.path(containers).forEach(c -> c.path("volumeMounts").forEach(m -> mounted.add(text(m, "name"))));
        }
        Map<String, JsonNode> volumes = volumes(spec.path("volumes"), mounted, at(path, "volumes"));
        if (spec.path("initContainers").size() > 0 && !config.servingEnabled("kubernetes.podspec-init-containers")) {
            add(path, "pod spec support for init-containers is off, but found " + spec.path("initContainers").size() + " init containers");
        }
        JsonNode containers = spec.path("containers");
        JsonNode servingPort = servingPort(containers, path);
        if (containers.isEmpty()) {
            add(at(path, "containers"), "missing field(s)");
        } else if (containers.size() > 1 && !config.servingEnabled("multi-container")) {
            add(path, "multi-container is off, but found " + containers.size() + " containers");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < containers.size(); i++) {
            JsonNode container = containers.get(i);
            String where = at(path, "containers", i);
            if (!names.add(text(container, "name")) && containers.size() > 1) {
                add(at(where, "name"), "duplicate container name \"" + text(container, "name") + "\"");
            }
            boolean user = containers.size() == 1 || container.path("ports").size() > 0;
            container(container, where, volumes, servingPort, user);
        }
        String account = text(spec, "serviceAccountName");
        if (!account.isEmpty()) {
            Names.dns1123Subdomain(account).forEach(e -> add(at(path, "serviceAccountName"), "invalid value: " + account + ": " + e));
        }
    }

    private void disallowed(JsonNode node, String path, Set<String> allowed, Map<String, String> flagged) {
        for (String field : Json.setFields(node)) {
            if (!allowed.contains(field)) {
                String flag = flagged.get(field);
                add(at(path, field), "must not set the field(s)" + (flag == null ? " (not in Knative Serving's field mask)"
                        : " (Knative Serving feature " + flag + " is " + config.servingFlag(flag) + ")"));
            }
        }
    }

    private void disallowed(JsonNode node, String path, Set<String> allowed) {
        disallowed(node, path, allowed, Map.of());
    }

    private boolean securePodDefaults() {
        String flag = config.servingFlag("secure-pod-defaults");
        return flag.equals("enabled") || (atLeast123() && flag.equalsIgnoreCase("allowrootbounded"));
    }

    private boolean atLeast123() {
        return compare(release.serving(), "1.23.0") >= 0;
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int diff = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (diff != 0) {
                return diff;
            }
        }
        return 0;
    }

    private void podSecurityContext(JsonNode context, String path) {
        Set<String> allowed = new HashSet<>();
        if (config.servingFlag("kubernetes.podspec-securitycontext").equals("disabled")) {
            String seccomp = text(context.path("seccompProfile"), "type");
            if (securePodDefaults() && (seccomp.equals("RuntimeDefault") || seccomp.equals("Unconfined"))) {
                allowed.add("seccompProfile");
                disallowed(context.path("seccompProfile"), at(path, "seccompProfile"), Set.of("type"));
            }
        } else {
            allowed.addAll(Set.of("runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "supplementalGroups", "seccompProfile"));
        }
        Map<String, String> flagged = new LinkedHashMap<>();
        Json.setFields(context).forEach(field -> flagged.put(field, "kubernetes.podspec-securitycontext"));
        disallowed(context, path, allowed, flagged);
        for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
            idInRange(context.path(id), at(path, id));
        }
        for (int i = 0; i < context.path("supplementalGroups").size(); i++) {
            idInRange(context.path("supplementalGroups").get(i), at(path, "supplementalGroups", i));
        }
    }

    private void idInRange(JsonNode id, String path) {
        if (id.isNumber() && (id.asLong() < 0 || id.asLong() > MAX_ID)) {
            add(path, "expected 0 <= " + id.asLong() + " <= " + MAX_ID);
        }
    }

    private Map<String, JsonNode> volumes(JsonNode volumes, Set<String> mounted, String path) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (int i = 0; i < volumes.size(); i++) {
            JsonNode volume = volumes.get(i);
            String where = path + "[" + i + "]";
            String name = text(volume, "name");
            if (byName.containsKey(name)) {
                add(at(where, "name"), "duplicate volume name \"" + name + "\"");
            }
            if (!mounted.contains(name)) {
                add(at(where, "name"), "volume with name \"" + name + "\" not mounted");
            }
            volume(volume, where);
            byName.put(name, volume);
        }
        return byName;
    }

    private void volume(JsonNode volume, String path) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("secret", null);
        sources.put("configMap", null);
        sources.put("projected", null);
        sources.put("emptyDir", "kubernetes.podspec-volumes-emptydir");
        sources.put("persistentVolumeClaim", "kubernetes.podspec-persistent-volume-claim");
        sources.put("hostPath", "kubernetes.podspec-volumes-hostpath");
        if (atLeast123()) {
            sources.put("csi", "kubernetes.podspec-volumes-csi");
            sources.put("ephemeral", "kubernetes.podspec-volumes-ephemeral");
            sources.put("image", "kubernetes.podspec-volumes-image");
        }
        Set<String> allowed = new HashSet<>(Set.of("name"));
        Map<String, String> flagged = new LinkedHashMap<>();
        sources.forEach((source, flag) -> {
            if (flag == null || config.servingAllows(flag)) {
                allowed.add(source);
            }
            if (flag != null) {
                flagged.put(source, flag);
            }
        });
        disallowed(volume, path, allowed, flagged);
        String name = text(volume, "name");
        for (String source : List.of("emptyDir", "hostPath", "csi", "ephemeral", "image")) {
            String flag = flagged.get(source);
            if (volume.has(source) && flag != null && !config.servingEnabled(flag)) {
                add(path, source + " volume support is disabled (" + flag + "), but found " + source + " volume " + name);
            }
        }
        if (volume.has("persistentVolumeClaim")) {
            if (!config.servingEnabled("kubernetes.podspec-persistent-volume-claim")) {
                add(path, "Persistent volume claim support is disabled");
            }
            if (!volume.path("persistentVolumeClaim").path("readOnly").asBoolean(false)
                    && !config.servingEnabled("kubernetes.podspec-persistent-volume-write")) {
                add(path, "Persistent volume write support is disabled, but found a persistent volume claim that is not read-only");
            }
        }
        if (name.isEmpty()) {
            add(at(path, "name"), "missing field(s)");
        } else {
            Names.dns1123Label(name).forEach(e -> add(at(path, "name"), "invalid value: " + name + ": " + e));
        }
        List<String> specified = sources.keySet().stream().filter(volume::has).toList();
        if (specified.isEmpty()) {
            add(path, "expected exactly one, got neither: " + sources.keySet());
        } else if (specified.size() > 1) {
            add(path, "expected exactly one, got both: " + specified);
        }
        JsonNode emptyDir = volume.path("emptyDir");
        String medium = text(emptyDir, "medium");
        if (!medium.isEmpty() && !medium.equals("Memory")) {
            add(at(path, "emptyDir.medium"), "invalid value: " + medium);
        }
        if (text(emptyDir, "sizeLimit").startsWith("-")) {
            add(at(path, "emptyDir.sizeLimit"), "invalid value: " + text(emptyDir, "sizeLimit"));
        }
        for (String source : List.of("secret", "configMap")) {
            JsonNode items = volume.path(source).path("items");
            for (int i = 0; i < items.size(); i++) {
                keyToPath(items.get(i), at(at(path, source), "items", i));
            }
        }
    }

    private void keyToPath(JsonNode item, String path) {
        disallowed(item, path, Set.of("key", "path", "mode"));
        if (!isSet(item.path("key"))) {
            add(at(path, "key"), "missing field(s)");
        }
        if (!isSet(item.path("path"))) {
            add(at(path, "path"), "missing field(s)");
        }
    }

    /** The one serving port across containers (validateContainersPorts), name defaulted to "http". */
    private JsonNode servingPort(JsonNode containers, String path) {
        int count = 0;
        ObjectNode port = JsonNodeFactory.instance.objectNode();
        for (JsonNode container : containers) {
            if (container.path("ports").size() > 0) {
                count += container.path("ports").size();
                port = ((ObjectNode) container.path("ports").get(0)).deepCopy();
            }
        }
        if (text(port, "name").isEmpty()) {
            port.put("name", "http");
        }
        if (count == 0 && containers.size() > 1) {
            add(at(path, "containers[*].ports"), "missing field(s)");
        }
        if (count > 1) {
            add(at(path, "containers[*].ports"), "more than one container port is set: only a single port is allowed across all containers");
        }
        return port;
    }

    private void container(JsonNode container, String path, Map<String, JsonNode> volumes, JsonNode servingPort, boolean user) {
        disallowed(container, path, Set.of("name", "args", "command", "env", "workingDir", "envFrom", "image", "imagePullPolicy",
                "livenessProbe", "ports", "readinessProbe", "resources", "securityContext", "startupProbe",
                "terminationMessagePath", "terminationMessagePolicy", "volumeMounts"));
        if (text(container, "name").equals("queue-proxy")) {
            add(at(path, "name"), "\"queue-proxy\" is a reserved container name");
        }
        JsonNode env = container.path("env");
        for (int i = 0; i < env.size(); i++) {
            envVar(env.get(i), at(path, "env", i), user ? RESERVED_ENV : Set.of("K_SERVICE", "K_CONFIGURATION", "K_REVISION"));
        }
        JsonNode envFrom = container.path("envFrom");
        for (int i = 0; i < envFrom.size(); i++) {
            envFromSource(envFrom.get(i), at(path, "envFrom", i));
        }
        String image = text(container, "image");
        if (image.isEmpty()) {
            add(at(path, "image"), "missing field(s)");
        } else if (!IMAGE.matcher(image).matches()) {
            add(at(path, "image"), "Failed to parse image reference: \"" + image + "\"");
        }
        JsonNode ports = container.path("ports");
        if (ports.size() > 0) {
            JsonNode port = ports.get(0);
            String where = at(path, "ports");
            disallowed(port, where, Set.of("containerPort", "name", "protocol"));
            long number = port.path("containerPort").asLong();
            if (RESERVED_PORTS.contains(number)) {
                add(at(where, "containerPort"), number + " is a reserved port, please use a different value");
            }
            if (number < 0 || number > 65535) {
                add(at(where, "containerPort"), "expected 0 <= " + number + " <= 65535");
            }
            String protocol = text(port, "protocol");
            if (!protocol.isEmpty() && !protocol.equals("TCP")) {
                add(at(where, "protocol"), "invalid value: " + protocol);
            }
            if (!PORT_NAMES.contains(text(port, "name"))) {
                add(where, "Port name " + text(port, "name") + " is not allowed: name must be empty, or one of: 'h2c', 'http1'");
            }
        }
        if (container.has("resources")) {
            disallowed(container.path("resources"), at(path, "resources"), Set.of("limits", "requests"));
        }
        if (container.has("securityContext")) {
            securityContext(container.path("securityContext"), at(path, "securityContext"));
        }
        String policy = text(container, "terminationMessagePolicy");
        if (!Set.of("", "File", "FallbackToLogsOnError").contains(policy)) {
            add(at(path, "terminationMessagePolicy"), "invalid value: " + policy);
        }
        volumeMounts(container.path("volumeMounts"), at(path, "volumeMounts"), volumes);
        if (user) {
            probe(container.path("livenessProbe"), at(path, "livenessProbe"), servingPort, true);
            readinessProbe(container, at(path, "readinessProbe"), servingPort);
            if (atLeast123()) {
                probe(container.path("startupProbe"), at(path, "startupProbe"), servingPort, true);
            }
        } else if (!config.servingEnabled("multi-container-probing")) {
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                if (container.has(probe)) {
                    disallowed(container.path(probe), at(path, probe), Set.of());
                }
            }
        }
    }

    private void envVar(JsonNode env, String path, Set<String> reserved) {
        disallowed(env, path, Set.of("name", "value", "valueFrom"));
        String name = text(env, "name");
        if (name.isEmpty()) {
            add(at(path, "name"), "missing field(s)");
        } else if (reserved.contains(name)) {
            add(at(path, "name"), "\"" + name + "\" is a reserved environment variable");
        }
        if (env.has("valueFrom")) {
            Set<String> allowed = new HashSet<>(Set.of("configMapKeyRef", "secretKeyRef"));
            if (config.servingAllows("kubernetes.podspec-fieldref")) {
                allowed.addAll(Set.of("fieldRef", "resourceFieldRef"));
            }
            disallowed(env.path("valueFrom"), at(path, "valueFrom"), allowed,
                    Map.of("fieldRef", "kubernetes.podspec-fieldref", "resourceFieldRef", "kubernetes.podspec-fieldref"));
        }
    }

    private void envFromSource(JsonNode envFrom, String path) {
        disallowed(envFrom, path, Set.of("prefix", "configMapRef", "secretRef"));
        for (String ref : List.of("configMapRef", "secretRef")) {
            if (envFrom.has(ref)) {
                disallowed(envFrom.path(ref), at(path, ref), Set.of("optional", "name"));
            }
        }
        boolean configMap = envFrom.has("configMapRef");
        boolean secret = envFrom.has("secretRef");
        if (configMap && secret) {
            add(path, "expected exactly one, got both: [configMapRef, secretRef]");
        } else if (!configMap && !secret) {
            add(path, "expected exactly one, got neither: [configMapRef, secretRef]");
        }
    }

    private void securityContext(JsonNode context, String path) {
        Set<String> allowed = new HashSet<>(Set.of("capabilities", "readOnlyRootFilesystem", "runAsUser", "runAsGroup",
                "runAsNonRoot", "allowPrivilegeEscalation", "seccompProfile"));
        if (context.path("privileged").isBoolean() && !context.path("privileged").asBoolean()) {
            allowed.add("privileged");
        }
        disallowed(context, path, allowed);
        JsonNode capabilities = context.path("capabilities");
        if (capabilities.isObject()) {
            Set<String> capabilityFields = new HashSet<>(Set.of("drop"));
            JsonNode add = capabilities.path("add");
            if (config.servingEnabled("kubernetes.containerspec-addcapabilities")
                    || (securePodDefaults() && add.size() == 1 && add.get(0).asString().equals("NET_BIND_SERVICE"))) {
                capabilityFields.add("add");
            }
            disallowed(capabilities, at(path, "capabilities"), capabilityFields,
                    Map.of("add", "kubernetes.containerspec-addcapabilities"));
        }
        idInRange(context.path("runAsUser"), at(path, "runAsUser"));
        idInRange(context.path("runAsGroup"), at(path, "runAsGroup"));
    }

    private void volumeMounts(JsonNode mounts, String path, Map<String, JsonNode> volumes) {
        Set<String> seenPaths = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            JsonNode mount = mounts.get(i);
            String where = path + "[" + i + "]";
            Set<String> allowed = new HashSet<>(Set.of("name", "readOnly", "mountPath", "subPath"));
            if (atLeast123() && config.servingAllows("kubernetes.podspec-volumes-mount-propagation")) {
                allowed.add("mountPropagation");
            }
            disallowed(mount, where, allowed, Map.of("mountPropagation", "kubernetes.podspec-volumes-mount-propagation"));
            if (!volumes.containsKey(text(mount, "name"))) {
                add(at(where, "name"), "volumeMount has no matching volume");
            }
            String mountPath = text(mount, "mountPath");
            String clean = java.nio.file.Path.of(mountPath.isEmpty() ? "." : mountPath).normalize().toString();
            if (mountPath.isEmpty()) {
                add(at(where, "mountPath"), "missing field(s)");
            } else if (RESERVED_PATHS.contains(clean)) {
                add(at(where, "mountPath"), "mountPath \"" + clean + "\" is a reserved path");
            } else if (!mountPath.startsWith("/")) {
                add(at(where, "mountPath"), "invalid value: " + mountPath);
            } else if (!seenPaths.add(clean)) {
                add(at(where, "mountPath"), "invalid value: \"" + mountPath + "\" must be unique");
            }
        }
    }

    /** Knative's defaults for a user container's readiness probe, then its rules. */
    private void readinessProbe(JsonNode container, String path, JsonNode servingPort) {
        JsonNode given = container.path("readinessProbe");
        ObjectNode probe = given.isObject() ? ((ObjectNode) given).deepCopy() : JsonNodeFactory.instance.objectNode();
        if (!probe.has("tcpSocket") && !probe.has("httpGet") && !probe.has("exec") && !probe.has("grpc")) {
            probe.putObject("tcpSocket");
        }
        if (probe.path("successThreshold").asLong(0) == 0) {
            probe.put("successThreshold", 1);
        }
        long period = probe.path("periodSeconds").asLong(0);
        if (period != 0) {
            if (probe.path("failureThreshold").asLong(0) == 0) {
                probe.put("failureThreshold", 3);
            }
            if (probe.path("timeoutSeconds").asLong(0) == 0) {
                probe.put("timeoutSeconds", 1);
            }
        }
        probe(probe, path, servingPort, true);
        if (period < 0) {
            add(at(path, "periodSeconds"), "expected 0 <= " + period);
        }
        if (probe.path("initialDelaySeconds").asLong(0) < 0) {
            add(at(path, "initialDelaySeconds"), "expected 0 <= " + probe.path("initialDelaySeconds").asLong());
        }
        if (probe.path("successThreshold").asLong() < 1) {
            add(at(path, "successThreshold"), "expected 1 <= " + probe.path("successThreshold").asLong());
        }
        if (period == 0) {
            if (probe.path("failureThreshold").asLong(0) != 0) {
                add(at(path, "failureThreshold"), "failureThreshold is disallowed when periodSeconds is zero");
            }
            if (probe.path("timeoutSeconds").asLong(0) != 0) {
                add(at(path, "timeoutSeconds"), "timeoutSeconds is disallowed when periodSeconds is zero");
            }
        } else {
            if (probe.path("timeoutSeconds").asLong() < 1) {
                add(at(path, "timeoutSeconds"), "expected 1 <= " + probe.path("timeoutSeconds").asLong());
            }
            if (probe.path("failureThreshold").asLong() < 1) {
                add(at(path, "failureThreshold"), "expected 1 <= " + probe.path("failureThreshold").asLong());
            }
        }
    }

    private void probe(JsonNode probe, String path, JsonNode servingPort, boolean user) {
        if (!probe.isObject()) {
            return;
        }
        Set<String> allowed = new HashSet<>(Set.of("exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds",
                "periodSeconds", "successThreshold", "failureThreshold"));
        if (atLeast123()) {
            allowed.add("terminationGracePeriodSeconds");
        }
        disallowed(probe, path, allowed);
        List<String> handlers = new ArrayList<>();
        Map<String, Set<String>> handlerFields = Map.of(
                "httpGet", Set.of("host", "path", "scheme", "httpHeaders", "port"),
                "tcpSocket", Set.of("host", "port"),
                "exec", Set.of("command"),
                "grpc", Set.of("port", "service"));
        for (String handler : List.of("httpGet", "tcpSocket", "exec", "grpc")) {
            JsonNode action = probe.path(handler);
            if (!action.isObject()) {
                continue;
            }
            handlers.add(handler);
            disallowed(action, at(path, handler), handlerFields.get(handler));
            JsonNode port = action.path("port");
            if ((handler.equals("httpGet") || handler.equals("tcpSocket")) && user
                    && port.isString() && !port.asString().isEmpty() && !port.asString().equals(text(servingPort, "name"))) {
                add(at(path, handler + ".port"), "invalid value: " + port.asString() + ": Probe port must match container port");
            }
        }
        if (handlers.isEmpty()) {
            add(path, "expected exactly one, got neither: [httpGet, tcpSocket, exec, grpc]");
        } else if (handlers.size() > 1) {
            add(path, "expected exactly one, got both: " + handlers);
        }
    }
}
