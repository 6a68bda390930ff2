package dev.serverlessapp.local.functions;

import dev.serverlessapp.local.http.FrontDoor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * One function as a JVM process, scaled as Knative scales a Service: started by the first request
 * (a visible cold start that waits for the readiness probe), stopped again when idle.
 *
 * <p>The function binds its ports itself (port 0) and writes the one it got to its port file (function
 * support's {@code PORTFILE}): a port picked for it here could be taken by another process before it binds.
 */
public final class FunctionProcess implements Upstream, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FunctionProcess.class);
    private static final Duration PROBE_PERIOD = Duration.ofMillis(250);

    private final FunctionSpec spec;
    private final Path logFile;
    /** Numbers each start's port file: a stopping instance deletes its own as it exits, never the next one's. */
    private final AtomicInteger launches = new AtomicInteger();
    private final HttpClient http;
    private final Duration startTimeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger coldStarts = new AtomicInteger();

    private volatile Instant lastActive = Instant.now();
    private Running running;
    private Mono<Integer> starting;
    private boolean closed;
    /** A process started but not ready yet: stopped at once on close. */
    private Process launching;

    private record Running(Process process, int port) {
    }

    /** A started process and the file it writes its port to once it has bound it. */
    private record Launched(Process process, Path portFile) {
    }

    public FunctionProcess(FunctionSpec spec, Path logFile, HttpClient http, Duration startTimeout) {
        this.spec = spec;
        this.logFile = logFile;
        this.http = http;
        this.startTimeout = startTimeout;
    }

    @Override
    public String name() {
        return spec.name();
    }

    public FunctionSpec spec() {
        return spec;
    }

    public Path logFile() {
        return logFile;
    }

    /** How often this function was started from zero. */
    public int coldStarts() {
        return coldStarts.get();
    }

    public synchronized boolean isRunning() {
        return running != null && running.process().isAlive();
    }

    public synchronized Optional<ProcessHandle> handle() {
        return Optional.ofNullable(running).map(r -> r.process().toHandle());
    }

    /** The port of a ready instance, starting one first when there is none. Requests share one start. */
    @Override
    public synchronized Mono<Integer> port() {
        lastActive = Instant.now();
        if (running != null && running.process().isAlive()) {
            return Mono.just(running.port());
        }
        if (starting == null) {
            starting = coldStart().cache();
        }
        return starting;
    }

    /** Marks a request in flight: an instance serving requests is never stopped for idleness. */
    @Override
    public void begin() {
        inFlight.incrementAndGet();
        lastActive = Instant.now();
    }

    @Override
    public void end() {
        lastActive = Instant.now();
        inFlight.decrementAndGet();
    }

    /** Stops the instance when it has served nothing for {@code idle}; answers whether it did. */
    public boolean stopIfIdle(Duration idle) {
        synchronized (this) {
            if (!spec.scaleToZero() || running == null || starting != null || inFlight.get() > 0
                    || lastActive.plus(idle).isAfter(Instant.now())) {
                return false;
            }
        }
        log.info("{}: no traffic for {}s, scaling to zero", spec.name(), idle.toSeconds());
        stop();
        return true;
    }

    private Mono<Integer> coldStart() {
        Instant began = Instant.now();
        return Mono.fromCallable(this::launch)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(launched -> awaitReady(launched)
                        .doOnSuccess(started -> ready(started, began))
                        .doOnError(e -> failed(launched.process(), e)))
                .map(Running::port);
    }

    private Launched launch() throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(spec.name() + " is shutting down");
            }
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        Path image = spec.jar().getParent().resolve("image").resolve("app");
        boolean aotCache = Files.isRegularFile(image.resolve("app.aot"));
        // What a pod adds (e.g. -XX:MaxRAM) goes before the image's flags, which the AOT cache allows.
        command.addAll(spec.extraJvmOptions());
        if (aotCache) {
            // As the image's entrypoint starts it: the JDK AOT cache made at build time matches only
            // this layout, run from its own folder (relative class path, the same JVM flags).
            command.addAll(List.of("@jvm.args", "-XX:AOTCache=app.aot", "-jar", "app.jar"));
        } else {
            // The same flags, from the one file the image copies them from.
            command.addAll(List.of("@" + spec.jvmArgsFile(), "-jar", spec.jar().toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(aotCache ? image.toFile() : null)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // A pod sees only its container's environment, not the developer's shell.
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "TMPDIR", "LANG"));
        // Reached only through its activator, so both ports stay on loopback; `--env SERVER_ADDRESS=…`
        // (and MANAGEMENT_SERVER_ADDRESS) overrides it for whoever needs otherwise.
        builder.environment().put("SERVER_ADDRESS", FrontDoor.LOOPBACK);
        builder.environment().put("MANAGEMENT_SERVER_ADDRESS", FrontDoor.LOOPBACK);
        builder.environment().putAll(spec.env());
        // A pod has its own network namespace; here every function shares loopback, so each binds a port
        // the system gives it (the actuator's too, 8081 in every pod) and writes it to its port file.
        builder.environment().put("PORT", "0");
        builder.environment().put("MANAGEMENT_PORT", "0");
        Path portFile = logFile.resolveSibling(spec.name() + "-" + launches.incrementAndGet() + ".port");
        builder.environment().put("PORTFILE", portFile.toString());
        Files.createDirectories(logFile.getParent());
        // Not a port of an earlier run's instance: that may belong to anyone now.
        Files.deleteIfExists(portFile);
        Process process = builder.start();
        synchronized (this) {
            launching = process;
        }
        log.info("{}: cold start (pid {}, {}, log {})", spec.name(), process.pid(),
                aotCache ? "with its AOT cache" : "no AOT cache", logFile);
        return new Launched(process, portFile);
    }

    private Mono<Running> awaitReady(Launched launched) {
        Process process = launched.process();
        return Mono.defer(() -> {
                    if (!process.isAlive()) {
                        return Mono.error(new IllegalStateException(spec.name() + " exited with code "
                                + process.exitValue() + " while starting; see " + logFile));
                    }
                    // Read again on every probe: the file may be empty or half-written when first seen.
                    OptionalInt port = boundPort(launched.portFile());
                    if (port.isEmpty()) {
                        return Mono.error(new NotReady());
                    }
                    String url = "http://" + FrontDoor.LOOPBACK + ":" + port.getAsInt() + spec.readinessPath();
                    return http.get().uri(url)
                            .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                                    .map(ignored -> response.status().code()))
                            .onErrorReturn(-1)
                            .flatMap(code -> code == 200 ? Mono.just(new Running(process, port.getAsInt()))
                                    : Mono.error(new NotReady()));
                })
                // Off the parallel scheduler: each retry reads the port file, a blocking read.
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, PROBE_PERIOD).filter(NotReady.class::isInstance)
                        .scheduler(Schedulers.boundedElastic()))
                .timeout(startTimeout, Mono.error(() -> new IllegalStateException(spec.name()
                        + " was not ready within " + startTimeout + "; see " + logFile)));
    }

    /** The serving port the function wrote to its port file, once it has bound it. */
    private static OptionalInt boundPort(Path portFile) {
        try {
            String text = Files.readString(portFile).strip();
            return text.matches("[0-9]{1,5}") ? OptionalInt.of(Integer.parseInt(text)) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    private synchronized void ready(Running started, Instant began) {
        if (closed) {
            destroy(started.process());
            throw new IllegalStateException(spec.name() + " is shutting down");
        }
        running = started;
        starting = null;
        launching = null;
        lastActive = Instant.now();
        coldStarts.incrementAndGet();
        log.info("{}: ready on port {} after a cold start of {} ms", spec.name(), started.port(),
                Duration.between(began, Instant.now()).toMillis());
    }

    private void failed(Process process, Throwable e) {
        synchronized (this) {
            starting = null;
            launching = null;
        }
        log.error("{}: could not start: {}", spec.name(), e.getMessage());
        destroy(process);
    }

    public void stop() {
        Running stopping;
        synchronized (this) {
            stopping = running;
            running = null;
        }
        if (stopping != null) {
            destroy(stopping.process());
        }
    }

    private static void destroy(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Process starting;
        synchronized (this) {
            closed = true;
            starting = launching;
        }
        if (starting != null) {
            destroy(starting);
        }
        stop();
    }

    /** Probe not passed yet; retried. */
    private static final class NotReady extends RuntimeException {
        NotReady() {
            super(null, null, false, false);
        }
    }

}
