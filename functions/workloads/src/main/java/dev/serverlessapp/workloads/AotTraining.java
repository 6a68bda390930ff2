package dev.serverlessapp.workloads;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run of a function's AOT cache (JEP 483/514/515), run by the build at {@code package}
 * (functions/pom.xml). It starts the packaged function from its image layout exactly as the image's
 * entrypoint does, plus {@code -XX:AOTCacheOutput}, against the local backends; sends it what it
 * meets in service (its probes, real requests, refused ones); then stops it with SIGTERM, as Kubernetes
 * does, and the JVM writes the cache as it exits. A cache trained only up to a refreshed context
 * would lack every class of the request path (AWS SDK marshalling and signing, its HTTP client,
 * ImageIO, Jakarta Mail), which is what the first event after a scale-from-zero waits for.
 * <pre>java -cp ... AotTraining --function=user-api --layout=target/image/app --log=target/aot-training-app.log</pre>
 */
public final class AotTraining {

    private static final Duration EXIT_GRACE = Duration.ofMinutes(3);

    private AotTraining() {
    }

    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        try {
            train(options.get("function"), Path.of(options.getOrDefault("layout", ".")),
                    options.getOrDefault("jar", "app.jar"), Path.of(options.getOrDefault("log", "aot-training-app.log")),
                    Integer.parseInt(options.getOrDefault("requests", "40")));
        } catch (Exception | Error e) {
            e.printStackTrace();
            // The backends run on non-daemon threads and child processes: stop them with the JVM.
            System.exit(1);
        }
        System.exit(0);
    }

    static void train(String function, Path layout, String jar, Path log, int requests) throws Exception {
        Workload workload = Workloads.forFunction(function).orElseThrow(() -> new IllegalArgumentException(
                "No workload for " + function + ": add one to Workloads"));
        Path cache = layout.resolve("app.aot");
        Files.deleteIfExists(cache);

        Fixtures fixtures = new Fixtures();
        fixtures.start(requests + 1);
        Map<String, String> env = new LinkedHashMap<>(fixtures.environment(fixtures.freshTable()));
        env.putAll(workload.environment(fixtures));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The image's entrypoint (functions/pom.xml), from the layout that becomes the image's /app.
        List<String> command = List.of(java, "@jvm.args", "-XX:AOTCacheOutput=app.aot", "-jar", jar);
        String run = "training-" + System.currentTimeMillis();

        int exit;
        try (FunctionLaunch launch = FunctionLaunch.startOnOwnPorts(command, layout, env, log)) {
            URI base = launch.base();
            double firstAnswer = launch.awaitFirstAnswer(workload.request(base, fixtures, run, 0));
            if (workload.probed()) {
                // Knative probes the serving port; Prometheus scrapes the management port.
                expect(launch, HttpRequest.newBuilder(base.resolve("/readyz")).build(), 200);
                expect(launch, HttpRequest.newBuilder(base.resolve("/livez")).build(), 200);
                expect(launch, HttpRequest.newBuilder(launch.management().resolve("/actuator/prometheus")).build(), 200);
            }
            // On a busy build machine a request may pass its deadline (503, which Knative would retry): that
            // still trains its path. Only a run where most requests fail says something is wrong.
            FunctionLaunch.Load load = launch.load(n -> workload.request(base, fixtures, run, n + 1), requests, 4,
                    requests / 4);
            if (load.failures() > 0) {
                System.out.printf("%s training: %d of %d requests were not answered 2xx (see %s)%n", function,
                        load.failures(), requests, log);
            }
            List<Workload.Refused> refused = workload.refused(base, run);
            for (Workload.Refused request : refused) {
                expect(launch, request.request(), request.status());
            }
            exit = launch.stop(EXIT_GRACE);
            System.out.printf("%s trained: first answer after %.0f ms, %d requests, exit code %d%n", function,
                    firstAnswer, requests + 1 + refused.size(), exit);
        }
        if (!Files.isRegularFile(cache) || !Files.readString(log).contains("AOTCache creation is complete")) {
            throw new IllegalStateException("No AOT cache written at " + cache + " (exit code " + exit + "); see " + log);
        }
    }

    private static void expect(FunctionLaunch launch, HttpRequest request, int status) throws Exception {
        int answered = launch.send(request);
        if (answered != status) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + answered
                    + ", not " + status);
        }
    }
}
