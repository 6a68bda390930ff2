package dev.serverlessapp.local.manifests;

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

/**
 * The chart, rendered with its default values by the deploy module, as typed documents.
 * <p>
 * Rendering runs in a short-lived child JVM: helm-java loads Helm's Go runtime, which takes over the
 * process's SIGINT and SIGTERM handling, and then Ctrl-C would no longer stop the runtime cleanly.
 */
public final class ChartSource {

    private ChartSource() {
    }

    public static ChartModel render(Path chart, String namespace) {
        checkChart(chart);
        return ChartModel.of(Manifests.parse(renderInChild(chart, namespace)).all());
    }

    /** As {@link #render(Path, String)}, rendering only when {@code rendered} has no render of this chart. */
    public static ChartModel render(Path chart, String namespace, RenderedCharts rendered) {
        checkChart(chart);
        return ChartModel.of(Manifests.parse(rendered.get(chart, namespace, () -> renderInChild(chart, namespace))).all());
    }

    private static void checkChart(Path chart) {
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No Helm chart at " + chart + ": run from the repository root");
        }
    }

    private static String renderInChild(Path chart, String namespace) {
        try {
            Path output = Files.createTempFile("serverless-app-chart", ".yaml");
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
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", classPath));
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

    /** The child: writes the rendered chart to a file (its console belongs to the logs). */
    public static void main(String[] args) throws IOException {
        try {
            Files.writeString(Path.of(args[2]), Chart.render(Path.of(args[0]), Map.of(), args[1]));
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
