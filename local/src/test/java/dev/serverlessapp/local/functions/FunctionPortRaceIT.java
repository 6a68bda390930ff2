package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.local.RuntimeOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/**
 * The race of {@code --random-ports} for a function, forced on a real function jar: as soon as the
 * function's JVM is started, every port the runtime handed it ({@code PORT}, {@code MANAGEMENT_PORT}, read
 * from the process's environment) is taken by another socket (bound, not listening, as ServerPortsTest
 * does for backends), long before the JVM gets to bind it. A function given its ports would die with
 * "Port … was already in use"; it must start all the same.
 */
class FunctionPortRaceIT {

    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<Socket> squatters = new ArrayList<>();

    @AfterEach
    void release() throws IOException {
        for (Socket squatter : squatters) {
            squatter.close();
        }
    }

    @Test
    void aFunctionStartsWhenEveryPortItWasHandedIsTakenBeforeItBinds() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/environ")), "reads a child's environment in /proc");
        Path project = RuntimeOptions.findProjectDir(Path.of(""));
        FunctionSpec spec = new FunctionSpec("email-worker", FunctionSpecs.jar(project, "email-worker"), Map.of(),
                project.resolve(FunctionSpecs.JVM_ARGS), List.of(), "/readyz", true, false);
        Set<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toSet());

        try (FunctionProcess function = new FunctionProcess(spec, dir.resolve("logs/email-worker.log"),
                HttpClient.create(), START)) {
            CompletableFuture<Integer> ready = function.port().toFuture();
            ProcessHandle child = awaitChild(before);
            Map<String, String> env = environment(child).orElseThrow();
            List<Integer> handedOut = new ArrayList<>();
            for (String name : List.of("PORT", "MANAGEMENT_PORT")) {
                int port = Integer.parseInt(env.get(name));
                if (port != 0) {
                    handedOut.add(port);
                    take(port);
                }
            }

            int port = ready.get(START.toSeconds() + 30, TimeUnit.SECONDS);

            assertThat(port).isNotIn(handedOut);
            assertThat(function.handle()).map(ProcessHandle::pid).contains(child.pid());
            assertThat(status(port, spec.readinessPath())).isEqualTo(200);
        }
    }

    /**
     * The function's JVM, once the runtime has started it: a new child whose environment is the function's
     * (until the JDK's spawn helper has exec'd the JVM, the child still has this test's environment).
     */
    private static ProcessHandle awaitChild(Set<ProcessHandle> before) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            Optional<ProcessHandle> child = ProcessHandle.current().children().filter(p -> !before.contains(p))
                    .filter(p -> environment(p).filter(env -> env.containsKey("MANAGEMENT_SERVER_ADDRESS")).isPresent()).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the function's process was not started within 30 s");
    }

    private static Optional<Map<String, String>> environment(ProcessHandle process) {
        try {
            String environ = Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"), StandardCharsets.UTF_8);
            return Optional.of(java.util.Arrays.stream(environ.split("\0")).filter(v -> v.contains("="))
                    .collect(Collectors.toMap(v -> v.substring(0, v.indexOf('=')), v -> v.substring(v.indexOf('=') + 1), (a, b) -> b)));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** Takes the port as another process would, without listening on it: so it still looks free. */
    private void take(int port) throws IOException {
        Socket squatter = new Socket();
        squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        squatters.add(squatter);
        assertThat(Ports.isListening(port)).isFalse();
    }

    private static int status(int port, String path) throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
