package dev.serverlessapp.deploy;

import static dev.serverlessapp.deploy.ChartFixtures.FUNCTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.knative.serving.v1.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every function the chart deploys has an image, and the image is what the Knative Service
 * expects. The images are the offline tars that each function module's {@code package} writes
 * ({@code target/jib-image.tar}, Jib on an empty base), so this runs after the function modules.
 */
class ImageTarsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyFunctionTheChartDeploysHasAnImageThatFitsItsService() {
        Manifests manifests = ChartFixtures.render(Map.of());
        return manifests.services().stream().map(service -> DynamicTest.dynamicTest(
                service.getMetadata().getName(), () -> checkImage(service)));
    }

    private static void checkImage(Service service) throws IOException {
        String function = service.getMetadata().getName();
        Path module = FUNCTIONS.resolve(function);
        Path tar = module.resolve("target/jib-image.tar");
        if (!Files.exists(tar)) {
            fail("no image for " + function + ": " + tar + " is missing. "
                    + (Files.exists(module.resolve("pom.xml"))
                            ? "Build it with ./mvnw -pl functions/" + function + " -am package (the image-check-tar execution writes it)."
                            : "The chart deploys " + function + " but there is no module functions/" + function + " to build its image."));
        }
        Image image = Image.read(tar);
        JsonNode config = image.config().path("config");
        int servicePort = Manifests.container(service).getPorts().getFirst().getContainerPort();

        // The entrypoint the JDK AOT cache was trained for: relative class path, flags from one file,
        // run from /app (README, "Cold start and footprint").
        assertThat(strings(config.path("Entrypoint"))).as("entrypoint")
                .containsExactly("java", "@jvm.args", "-XX:AOTCache=app.aot", "-jar", "app.jar");
        assertThat(config.path("WorkingDir").asText()).as("working directory").isEqualTo("/app");
        assertThat(config.path("User").asText()).as("user").matches("\\d+:\\d+")
                .doesNotStartWith("0:"); // runAsNonRoot needs a numeric, non-zero uid
        assertThat(config.path("ExposedPorts").has(servicePort + "/tcp")).as("port " + servicePort + " exposed").isTrue();
        assertThat(config.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo(function);
        assertThat(config.path("Labels").has("org.opencontainers.image.version")).isTrue();
        assertThat(config.path("Labels").has("org.opencontainers.image.source")).isTrue();

        // One layer holds the extracted app, its libraries, the AOT cache and the JVM flags: the cache
        // records the exact jars, so they change together.
        List<String> files = image.allFiles();
        assertThat(files).as("the app, its cache and its flags")
                .contains("app/app.jar", "app/app.aot", "app/jvm.args");
        assertThat(files).as("function-support ships with it")
                .anyMatch(file -> file.matches("app/lib/function-support-.*\\.jar"));
        assertThat(files).anyMatch(file -> file.matches("app/lib/spring-boot-4\\..*\\.jar"));
        // The heap a share of the container's memory (jvm.args says which), and an OOM ends the pod.
        assertThat(image.jvmArgs()).as("memory-aware JVM flags")
                .contains("-XX:+ExitOnOutOfMemoryError")
                .anyMatch(arg -> arg.startsWith("-XX:MaxRAMPercentage="))
                .noneMatch(arg -> arg.startsWith("-Xmx"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    /** A docker-load tar as Jib writes it: manifest.json, config.json, one .tar.gz per layer. */
    private record Image(JsonNode config, List<String> layerComments, Map<String, List<String>> filesByComment,
            List<String> jvmArgs) {

        List<String> allFiles() {
            return filesByComment.values().stream().flatMap(List::stream).toList();
        }

        static Image read(Path tar) throws IOException {
            Map<String, byte[]> entries = new HashMap<>();
            try (var in = new TarArchiveInputStream(Files.newInputStream(tar))) {
                for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
            JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
            JsonNode config = JSON.readTree(entries.get(manifest.path("Config").asText()));
            List<String> comments = new ArrayList<>();
            config.path("history").forEach(h -> {
                if (!h.path("empty_layer").asBoolean(false)) {
                    comments.add(h.path("comment").asText());
                }
            });
            Map<String, List<String>> files = new HashMap<>();
            List<String> jvmArgs = new ArrayList<>();
            JsonNode layers = manifest.path("Layers");
            for (int i = 0; i < layers.size() && i < comments.size(); i++) {
                files.put(comments.get(i), layerFiles(entries.get(layers.get(i).asText()), jvmArgs));
            }
            return new Image(config, comments, files, jvmArgs);
        }

        /** The layer's file names; the lines of {@code app/jvm.args}, if it is there, go to {@code jvmArgs}. */
        private static List<String> layerFiles(byte[] gzippedTar, List<String> jvmArgs) throws IOException {
            List<String> names = new ArrayList<>();
            try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(gzippedTar));
                 var in = new TarArchiveInputStream(gz)) {
                for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    names.add(entry.getName());
                    if (entry.getName().equals("app/jvm.args")) {
                        new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                                .map(String::strip).filter(line -> !line.isEmpty()).forEach(jvmArgs::add);
                    }
                }
            }
            return names;
        }
    }
}
