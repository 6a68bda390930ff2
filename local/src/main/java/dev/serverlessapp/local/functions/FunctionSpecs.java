package dev.serverlessapp.local.functions;

import dev.serverlessapp.local.manifests.ChartModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    public static FunctionSpec of(ChartModel.Service service, Map<String, String> env, Path projectDir) {
        String name = service.name();
        return new FunctionSpec(name, jar(projectDir, name), env, projectDir.resolve(JVM_ARGS), extraJvmOptions(service),
                service.readinessPath(), service.scaleToZero(), service.external());
    }

    /**
     * Only what a pod gives the JVM and a process here lacks: without a cgroup, {@code MaxRAM} makes the JVM
     * size its heap ({@code MaxRAMPercentage} in jvm.args) for the container's memory limit.
     */
    static List<String> extraJvmOptions(ChartModel.Service service) {
        return service.memoryLimit() == null ? List.of() : List.of("-XX:MaxRAM=" + service.memoryLimit());
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
}
