package dev.serverlessapp.backends;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * dynalite, the DynamoDB-compatible server from npm, as a Node.js child process. It is installed by
 * {@code npm ci} in the repository root (pinned in package-lock.json).
 */
public final class Dynalite implements AutoCloseable {

    private final ChildProcess process;

    private Dynalite(ChildProcess process) {
        this.process = process;
    }

    /** Starts dynalite in memory ({@code dataDir} null) or keeping its data in a folder. */
    public static Dynalite start(int port, Path dataDir) {
        Path cli = findCli();
        List<String> command = new ArrayList<>(List.of(node(), "--require", survivingAbortedRequests().toString(),
                cli.toString(), "--port", Integer.toString(port),
                "--host", "127.0.0.1",
                // Fast table life cycle; the tests still wait for ACTIVE as they must on DynamoDB.
                "--createTableMs", "50", "--deleteTableMs", "50", "--updateTableMs", "50"));
        if (dataDir != null) {
            command.addAll(List.of("--path", dataDir.toString()));
        }
        return new Dynalite(ChildProcess.start("dynalite", command, port, Duration.ofSeconds(30)));
    }

    /**
     * dynalite 4.0.0 throws from a request's {@code error} event, so a client that goes away half way
     * through sending a request ({@code aborted}: a function killed, or an SDK call timed out, mid-body)
     * kills the whole server, and every call after it fails. That request never ran; dropping it is all
     * there is to do. Any other uncaught error still ends the process.
     */
    private static final String SURVIVE_ABORTED_REQUESTS = """
            process.on('uncaughtException', (err) => {
              if (err && err.code === 'ECONNRESET' && err.message === 'aborted') {
                console.error('dropped a request its client abandoned half way');
                return;
              }
              console.error(err);
              process.exit(1);
            });
            """;

    private static Path survivingAbortedRequests() {
        try {
            Path script = Files.createTempFile("dynalite-survive-aborted-", ".js");
            script.toFile().deleteOnExit();
            return Files.writeString(script, SURVIVE_ABORTED_REQUESTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + process.port());
    }

    @Override
    public void close() {
        process.close();
    }

    static String node() {
        String node = System.getenv().getOrDefault("NODE", "node");
        try {
            Process probe = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            if (probe.waitFor() == 0) {
                return node;
            }
        } catch (Exception e) {
            // fall through to the message below
        }
        throw new IllegalStateException("Node.js is needed for dynalite (DynamoDB): install Node.js 20 or newer, "
                + "then run `npm ci` in the repository root");
    }

    /** The dynalite CLI from the repository's node_modules, found from the working directory upwards. */
    static Path findCli() {
        String home = System.getProperty("dynalite.home", System.getenv("DYNALITE_HOME"));
        if (home != null) {
            return Path.of(home, "cli.js");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path cli = dir.resolve("node_modules/dynalite/cli.js");
            if (Files.isRegularFile(cli)) {
                return cli;
            }
        }
        throw new IllegalStateException("dynalite is not installed: run `npm ci` in the repository root");
    }
}
