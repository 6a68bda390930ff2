package dev.serverlessapp.local.manifests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessapp.deploy.Chart;
import dev.serverlessapp.deploy.Manifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chart, rendered with its default values by the deploy module, as the {@link ChartModel} the runtime acts on.
 * <p>
 * Rendering and reading run in a short-lived child JVM, which hands the model back as JSON: helm-java loads
 * Helm's Go runtime, which takes over the process's SIGINT and SIGTERM handling (then Ctrl-C would no longer
 * stop the runtime cleanly), and fabric8 with the YAML stack would stay loaded in the runtime for good.
 */
public final class ChartSource {

    private static final Logger log = LoggerFactory.getLogger(ChartSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChartSource() {
    }

    public static ChartModel render(Path chart, String namespace) {
        checkChart(chart);
        return read(renderInChild(chart, namespace));
    }

    /** As {@link #render(Path, String)}, rendering only when {@code rendered} has no render of this chart. */
    public static ChartModel render(Path chart, String namespace, RenderedCharts rendered) {
        checkChart(chart);
        return read(rendered.get(chart, namespace, () -> renderInChild(chart, namespace)));
    }

    /** The rendered chart's manifests read into the model, as JSON: what the child hands back. */
    static String json(String manifests) {
        try {
            return JSON.writeValueAsString(ChartModelReader.read(Manifests.parse(manifests).all()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the chart's model", e);
        }
    }

    static ChartModel read(String json) {
        try {
            return JSON.readValue(json, ChartModel.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not read the chart's model: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkChart(Path chart) {
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No Helm chart at " + chart + ": run from the repository root");
        }
    }

    private static String renderInChild(Path chart, String namespace) {
        try {
            Path output = Files.createTempFile("serverless-app-chart", ".json");
            Path errors = Files.createTempFile("serverless-app-chart", ".err");
            try {
                Process process = new ProcessBuilder(command(chart, namespace, output))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errors.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("Rendering the chart took more than 2 minutes");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("Rendering the chart failed: " + Files.readString(errors).strip());
                }
                // What the child logged (e.g. a variable left unset for a Secret the chart does not render).
                Files.readAllLines(errors).stream().filter(line -> !line.isBlank()).forEach(line -> log.info("{}", line));
                return Files.readString(output);
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not render the chart " + chart, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while rendering the chart", e);
        }
    }

    /**
     * This JVM's class path again: inside the runtime's Spring Boot jar, through its launcher; from the
     * extracted layout (a jar whose manifest lists lib/*.jar) or a build's class path, directly.
     */
    private static List<String> command(Path chart, String namespace, Path output) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        // helm-java loads Helm through JNA: allowed, so that the JDK's warning about it is not logged as the child's.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath));
        boolean bootJar = ChartSource.class.getClassLoader() != ClassLoader.getSystemClassLoader();
        if (bootJar) {
            command.addAll(List.of("-Dloader.main=" + ChartSource.class.getName(),
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            command.add(ChartSource.class.getName());
        }
        command.addAll(List.of(chart.toString(), namespace, output.toString()));
        return command;
    }

    /** The child: writes the rendered chart's model to a file (its console belongs to the logs). */
    public static void main(String[] args) throws IOException {
        try {
            Files.writeString(Path.of(args[2]), json(Chart.render(Path.of(args[0]), Map.of(), args[1])));
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
