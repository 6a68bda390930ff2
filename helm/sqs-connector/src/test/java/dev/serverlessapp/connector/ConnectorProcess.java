package dev.serverlessapp.connector;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * A connector in a JVM of its own: only the module's runtime class path (the connector's libraries, not
 * ElasticMQ's or JUnit's) and only the environment Knative would give its container.
 */
final class ConnectorProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ConnectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ConnectorProcess start(Class<?> main, Map<String, String> env, String... args) throws IOException {
        String classpath = Files.readString(Path.of(System.getProperty("connector.classpath"))).trim()
                + File.pathSeparator + System.getProperty("connector.classes");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", classpath, main.getName()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(main.getSimpleName() + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        // What the default AWS chain finds in a pod (IRSA, Pod Identity) when the spec names no Secret.
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        return new ConnectorProcess(builder.start(), log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The {@code spec} of a resource in the chart as rendered into k8s/. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> renderedSpec(String kind, String name) throws IOException {
        Path rendered = Path.of(System.getProperty("k8s.dir"), "serverless-app.yaml");
        List<Map<String, Object>> documents = new ArrayList<>();
        try (InputStream in = Files.newInputStream(rendered)) {
            new Yaml().loadAll(in).forEach(d -> documents.add((Map<String, Object>) d));
        }
        return documents.stream()
                .filter(d -> d != null && kind.equals(d.get("kind")))
                .filter(d -> name.equals(((Map<String, Object>) d.get("metadata")).get("name")))
                .map(d -> (Map<String, Object>) d.get("spec"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + rendered));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
