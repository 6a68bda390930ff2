package dev.serverlessapp.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the runtime's JDK AOT cache (JEP 483/514/515), run by the build at {@code package}
 * (local/pom.xml): starts the runtime from its extracted layout exactly as {@code serverless-local} does,
 * plus {@code -XX:AOTCacheOutput}, on random ports and a fresh data folder of its own; waits until it says
 * it is running; then stops it with SIGTERM, as Ctrl-C does, and the JVM writes the cache as it exits.
 * <pre>java -cp ... RuntimeAotTraining &lt;project dir&gt; &lt;layout dir&gt; &lt;log&gt;</pre>
 */
public final class RuntimeAotTraining {

    private static final long READY_MINUTES = 5;

    private RuntimeAotTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path project = Path.of(args[0]).toAbsolutePath();
        Path layout = Path.of(args[1]).toAbsolutePath();
        Path log = Path.of(args[2]).toAbsolutePath();
        Path cache = layout.resolve("local.aot");
        Path data = layout.resolveSibling("aot-training-data");
        Files.deleteIfExists(cache);
        String java = ProcessHandle.current().info().command().orElse("java");
        // No method profiles in the cache: 2-4 MB less resident, and no later ready, since a start waits on the
        // other processes (README, "The runtime's own footprint"; the functions keep theirs, BENCHMARKS.md run S).
        Process runtime = new ProcessBuilder(List.of(java, "@local/jvm.args", "-XX:AOTCacheOutput=" + cache,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
                "-jar", layout.resolve("local-runtime.jar").toString(), "up", "--random-ports", "--fresh", "--data-dir", data.toString()))
                .directory(project.toFile()).redirectErrorStream(true).start();
        boolean ready = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log), true)) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!runtime.waitFor(READY_MINUTES, TimeUnit.MINUTES)) {
                        runtime.toHandle().destroy();
                    }
                } catch (InterruptedException e) {
                    runtime.toHandle().destroy();
                }
            });
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                copy.println(line);
                if (!ready && line.contains("is running locally")) {
                    ready = true;
                    // SIGTERM through the handle: Process.destroy() would close the output still to be read.
                    runtime.toHandle().destroy();
                }
            }
        }
        int exit = runtime.waitFor();
        if (!ready || !Files.isRegularFile(cache)) {
            System.err.println("No AOT cache written at " + cache + " (ready: " + ready + ", exit code " + exit + "); see " + log);
            System.exit(1);
        }
        System.out.printf("runtime AOT cache trained: %d MB, exit code %d%n", Files.size(cache) >> 20, exit);
    }
}
