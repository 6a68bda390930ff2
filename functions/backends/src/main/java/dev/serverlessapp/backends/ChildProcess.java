package dev.serverlessapp.backends;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server run as a child process, listening on a loopback port. Its output goes to a log file, and
 * it is stopped with the JVM, so no process outlives the tests.
 */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ChildProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ChildProcess start(String name, List<String> command, int port, Duration timeout) {
        try {
            Path log = Files.createTempFile(name + "-", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            ChildProcess child = new ChildProcess(name, process, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(child::close, "stop-" + name));
            try {
                Ports.awaitListening(port, process, timeout, name);
            } catch (IllegalStateException e) {
                child.close();
                throw new IllegalStateException(e.getMessage() + "; its output:\n" + child.output(), e);
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + command.getFirst() + " failed", e);
        }
    }

    /**
     * A Spring Boot application from this JVM's own class path, as a process of its own, so that a
     * test can kill it: listening on {@code port}, with its management port elsewhere, on the test
     * backends' region and credentials, and plain-text logs.
     */
    public static ChildProcess springApp(String name, Class<?> main, int port, List<String> arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                main.getName(),
                "--server.port=" + port,
                "--management.server.port=" + Ports.free(),
                "--aws.region=" + Backends.REGION,
                "--aws.access-key-id=" + Backends.ACCESS_KEY,
                "--aws.secret-access-key=" + Backends.SECRET_KEY,
                "--logging.structured.format.console="));
        command.addAll(arguments);
        return start(name, command, port, Duration.ofSeconds(120));
    }

    public int port() {
        return port;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL, as a node or the OOM killer ends a pod: no shutdown hook, nothing finished. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
