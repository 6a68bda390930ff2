package dev.serverlessapp.local.functions;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A chart's Knative Service read as a {@link FunctionSpec}: which jar, which JVM flags, which probe, which scale. */
public final class FunctionSpecs {

    private static final Logger log = LoggerFactory.getLogger(FunctionSpecs.class);
    /** The JVM flags of every image, in one file (README, "Cold start and footprint"). */
    static final String JVM_ARGS = "functions/image/jvm.args";

    private FunctionSpecs() {
    }

    public static FunctionSpec of(Service service, Map<String, String> env, Path projectDir) {
        String name = service.getMetadata().getName();
        Container container = ServiceEnvironment.container(service);
        String readiness = Optional.ofNullable(container.getReadinessProbe()).map(p -> p.getHttpGet())
                .map(g -> g.getPath()).orElse("/actuator/health/readiness");
        Map<String, String> annotations = annotations(service);
        String minScale = annotations.getOrDefault("autoscaling.knative.dev/min-scale",
                annotations.getOrDefault("autoscaling.knative.dev/minScale", "0"));
        Map<String, String> labels = service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels();
        boolean external = !"cluster-local".equals(labels.get("networking.knative.dev/visibility"));
        return new FunctionSpec(name, jar(projectDir, name), env, projectDir.resolve(JVM_ARGS), extraJvmOptions(container),
                readiness, "0".equals(minScale.trim()), external);
    }

    /**
     * Only what a pod gives the JVM and a process here lacks: without a cgroup, {@code MaxRAM} makes the JVM
     * size its heap ({@code MaxRAMPercentage} in jvm.args) for the container's memory limit.
     */
    static List<String> extraJvmOptions(Container container) {
        List<String> jvm = new ArrayList<>();
        Optional.ofNullable(container.getResources()).map(r -> r.getLimits()).map(l -> l.get("memory"))
                .map(q -> Quantity.getAmountInBytes(q).longValue())
                .ifPresent(bytes -> jvm.add("-XX:MaxRAM=" + bytes));
        return jvm;
    }

    /** The function's Spring Boot jar: the newest functions/<name>/target/<name>-<version>.jar. */
    static Path jar(Path projectDir, String name) {
        Path target = projectDir.resolve("functions").resolve(name).resolve("target");
        try (Stream<Path> files = Files.isDirectory(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> !f.getFileName().toString().matches(".*-(plain|sources|javadoc|tests)\\.jar"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseGet(() -> {
                        log.warn("{}: no jar in {} (build it: ./mvnw -q -DskipTests package); its requests will get 503",
                                name, target);
                        return target.resolve(name + ".jar");
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> annotations(Service service) {
        var template = service.getSpec().getTemplate().getMetadata();
        return template == null || template.getAnnotations() == null ? Map.of() : template.getAnnotations();
    }
}
