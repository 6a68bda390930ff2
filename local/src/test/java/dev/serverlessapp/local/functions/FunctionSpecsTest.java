package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.manifests.ChartModel;
import dev.serverlessapp.local.manifests.ChartSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the real chart's Services become processes: the image's JVM flags from their one file, and only what a pod adds. */
class FunctionSpecsTest {

    private static Path project;
    private static ChartModel chart;

    @BeforeAll
    static void render() {
        project = RuntimeOptions.findProjectDir(Path.of(""));
        chart = ChartSource.render(project.resolve("helm/serverless-app"), "serverless-app");
    }

    @Test
    void theJvmFlagsAreTheImagesFileAndTheContainersMemoryLimit() throws IOException {
        for (ChartModel.Service service : chart.services()) {
            FunctionSpec spec = FunctionSpecs.of(service, Map.of(), project);

            assertThat(spec.jvmArgsFile()).isEqualTo(project.resolve("functions/image/jvm.args")).isRegularFile();
            assertThat(service.memoryLimit()).as(spec.name()).isNotNull();
            assertThat(spec.extraJvmOptions()).as(spec.name()).containsExactly("-XX:MaxRAM=" + service.memoryLimit());
            // Nothing the image's file already decides is said a second time, differently or not.
            List<String> imageFlags = Files.readAllLines(spec.jvmArgsFile()).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).map(FunctionSpecsTest::flagName).toList();
            assertThat(imageFlags).contains("UseSerialGC", "MaxRAMPercentage");
            assertThat(spec.extraJvmOptions()).map(FunctionSpecsTest::flagName).doesNotContainAnyElementsOf(imageFlags);
        }
    }

    @Test
    void theProbeScaleAndVisibilityComeFromTheService() {
        FunctionSpec userApi = spec("user-api");
        FunctionSpec emailWorker = spec("email-worker");

        assertThat(userApi.external()).isTrue();
        assertThat(emailWorker.external()).isFalse();
        assertThat(userApi.readinessPath()).as("values.yaml probes.readinessPath").isEqualTo("/readyz");
        assertThat(chart.services()).allSatisfy(s -> assertThat(FunctionSpecs.of(s, Map.of(), project).scaleToZero()).isTrue());
    }

    @Test
    void theJarIsTheNewestBootJarOfTheFunction(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectories(dir.resolve("functions/email-worker/target"));
        Path old = Files.createFile(target.resolve("email-worker-0.9.jar"));
        Path boot = Files.createFile(target.resolve("email-worker-1.0.jar"));
        Path plain = Files.createFile(target.resolve("email-worker-1.0-plain.jar"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.setLastModifiedTime(boot, FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));
        Files.setLastModifiedTime(plain, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));

        assertThat(FunctionSpecs.jar(dir, "email-worker")).isEqualTo(boot);
        assertThat(FunctionSpecs.jar(dir, "user-api")).isEqualTo(dir.resolve("functions/user-api/target/user-api.jar"));
    }

    /** {@code -XX:+UseSerialGC} and {@code -XX:MaxRAM=1g} name UseSerialGC and MaxRAM. */
    private static String flagName(String option) {
        return option.replaceFirst("^-XX:[+-]?", "").replaceFirst("=.*$", "");
    }

    private static FunctionSpec spec(String name) {
        return FunctionSpecs.of(service(name), Map.of(), project);
    }

    private static ChartModel.Service service(String name) {
        return chart.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
