package dev.serverlessapp.workloads;

import dev.serverlessapp.backends.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * One launch of a function (or of the benchmark's floor): starts the process, sends the real request
 * until the first 2xx (the cold start), reads its RSS, drives a short load while sampling RSS, then
 * stops the process with SIGTERM, as Kubernetes does.
 */
public final class FunctionLaunch implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration IDLE = Duration.ofSeconds(3);

    private final Process process;
    private final long launchedAt;
    private final URI base;
    private final URI management;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(2)).build();

    private FunctionLaunch(Process process, long launchedAt, int port, int managementPort, Path log) {
        this.process = process;
        this.launchedAt = launchedAt;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.management = URI.create("http://127.0.0.1:" + managementPort);
        this.log = log;
    }

    /** Runs {@code command} in {@code directory}, serving on {@code port}; its output goes to {@code log}. */
    public static FunctionLaunch start(List<String> command, Path directory, Map<String, String> environment,
            int port, Path log) {
        ProcessBuilder builder = builder(command, directory, environment, log);
        builder.environment().put("PORT", Integer.toString(port));
        // The functions serve the actuator on a port of its own, which must not clash either (unless the
        // caller places it, as the benchmark's variants without a management server do).
        int managementPort = Ports.free();
        builder.environment().putIfAbsent("MANAGEMENT_PORT", Integer.toString(managementPort));
        long launchedAt = System.nanoTime();
        return new FunctionLaunch(launch(builder), launchedAt, port, managementPort, log);
    }

    /**
     * Runs a function of this project on ports it picks itself (port 0) and names in a port file
     * (function-support's {@code PortFile}), as the local runtime does: a port picked for it beforehand can be
     * taken by another process before the function binds it. Returns once it listens on both ports.
     */
    public static FunctionLaunch startOnOwnPorts(List<String> command, Path directory, Map<String, String> environment,
            Path log) throws IOException, InterruptedException {
        Path ports = Files.createTempDirectory("function-ports-");
        for (Path gone : List.of(ports, ports.resolve("app.port"), ports.resolve("app-management.port"))) {
            gone.toFile().deleteOnExit(); // in reverse: the files, then their folder
        }
        ProcessBuilder builder = builder(command, directory, environment, log);
        builder.environment().putAll(Map.of("PORT", "0", "MANAGEMENT_PORT", "0",
                "PORTFILE", ports.resolve("app.port").toString()));
        long launchedAt = System.nanoTime();
        Process process = launch(builder);
        long deadline = launchedAt + START_TIMEOUT.toNanos();
        int port = awaitPort(ports.resolve("app.port"), process, deadline, log);
        // Spring Boot's port file writer names the management server's file after the main one.
        int managementPort = awaitPort(ports.resolve("app-management.port"), process, deadline, log);
        return new FunctionLaunch(process, launchedAt, port, managementPort, log);
    }

    private static ProcessBuilder builder(List<String> command, Path directory, Map<String, String> environment,
            Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder;
    }

    private static Process launch(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + builder.command(), e);
        }
    }

    private static int awaitPort(Path file, Process process, long deadline, Path log) throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The process exited with " + process.exitValue() + "; see " + log);
            }
            String written = Files.exists(file) ? Files.readString(file).strip() : "";
            if (written.matches("\\d{1,5}")) {
                return Integer.parseInt(written);
            }
            Thread.sleep(5);
        }
        process.destroyForcibly();
        throw new IllegalStateException("No port written to " + file + " within " + START_TIMEOUT + "; see " + log);
    }

    /** Where the function serves its requests. */
    public URI base() {
        return base;
    }

    /** Where the function serves its probes and metrics. */
    public URI management() {
        return management;
    }

    /** Sends one request and answers its status. */
    public int send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Sends the request until it is answered 2xx; the time from launch to that answer, in ms. */
    public double awaitFirstAnswer(HttpRequest request) throws InterruptedException {
        long deadline = launchedAt + START_TIMEOUT.toNanos();
        String lastFailure = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The process exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return (System.nanoTime() - launchedAt) / 1e6;
                }
                lastFailure = response.statusCode() + " " + response.body();
                Thread.sleep(50);
            } catch (ConnectException notListeningYet) {
                Thread.sleep(5);
            } catch (IOException e) {
                lastFailure = e.toString();
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("No 2xx within " + START_TIMEOUT + ": " + lastFailure + "; see " + log);
    }

    /** Resident memory after a few quiet seconds, in MB. */
    public double idleRssMb() throws InterruptedException {
        Thread.sleep(IDLE.toMillis());
        return rssMb();
    }

    public record Load(double eventsPerSecond, double p50Millis, double p99Millis, double maxRssMb, long failures) {
    }

    /** {@code count} requests, at most {@code concurrency} in flight; every answer must be 2xx. */
    public Load load(IntFunction<HttpRequest> requests, int count, int concurrency) throws InterruptedException {
        return load(requests, count, concurrency, 0);
    }

    /**
     * {@code count} requests, at most {@code concurrency} in flight; fails when more than
     * {@code allowedFailures} answers are not 2xx.
     */
    public Load load(IntFunction<HttpRequest> requests, int count, int concurrency, int allowedFailures)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        long[] latencies = new long[count];
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> lastFailure = new AtomicReference<>("none");
        List<CompletableFuture<?>> pending = new ArrayList<>();
        double[] maxRss = {rssMb()};
        var sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> maxRss[0] = Math.max(maxRss[0], rssMb()), 50, 50, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        for (int n = 0; n < count; n++) {
            HttpRequest request = requests.apply(n);
            inFlight.acquire();
            long sent = System.nanoTime();
            int index = n;
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        latencies[index] = System.nanoTime() - sent;
                        if (error != null || response.statusCode() / 100 != 2) {
                            failures.incrementAndGet();
                            lastFailure.set(error != null ? error.toString() : "status " + response.statusCode());
                        }
                        inFlight.release();
                    }));
        }
        // A request that never completes must not hang the run: it counts as failed.
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .completeOnTimeout(null, 2, TimeUnit.MINUTES).join();
        long unanswered = pending.stream().filter(f -> !f.isDone()).count();
        if (unanswered > 0) {
            failures.addAndGet(unanswered);
            lastFailure.set(unanswered + " not answered within 2 minutes");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.shutdownNow();
        if (failures.get() > allowedFailures) {
            throw new IllegalStateException(failures.get() + " of " + count + " requests failed under load (last: "
                    + lastFailure.get() + "); see " + log);
        }
        return new Load(count / seconds, Stats.percentile(latencies, 50), Stats.percentile(latencies, 99), maxRss[0],
                failures.get());
    }

    /** CPU time (user and system) the process has used so far, in milliseconds; NaN when the OS does not say. */
    public double cpuMillis() {
        return process.info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e6).orElse(Double.NaN);
    }

    public double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // The process is gone; the caller finds out from the process itself.
        }
        return Double.NaN;
    }

    /**
     * Sends SIGTERM and waits up to {@code grace} for the process to exit (a JVM writing its AOT cache
     * takes a while); answers its exit code, or kills it and throws when it does not exit in time.
     */
    public int stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("The process did not exit within " + grace + " of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (process.isAlive()) {
                stop(Duration.ofSeconds(20));
            }
        } catch (IllegalStateException killed) {
            // Killed after the grace period: nothing is left running.
        } finally {
            http.close();
        }
    }
}
