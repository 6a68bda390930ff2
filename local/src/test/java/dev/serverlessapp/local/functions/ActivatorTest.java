package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/** A stopped activator is gone for its clients too: it does not go on answering on connections they kept. */
class ActivatorTest {

    @TempDir
    Path dir;

    @Test
    void closingDropsTheConnectionsClientsKeptOpen() throws Exception {
        // Never started: no request reaches it, so no process is launched.
        FunctionProcess function = new FunctionProcess(new FunctionSpec("idle", dir.resolve("idle.jar"), Map.of(),
                List.of(), "/readyz", true), dir.resolve("idle.log"), HttpClient.create(), Duration.ofSeconds(5));
        Activator activator = new Activator(function, HttpClient.create(), 0);
        try (Socket kept = new Socket("127.0.0.1", activator.port())) {
            kept.setSoTimeout(10_000);
            InputStream in = kept.getInputStream();
            // The server has taken the connection before it stops (accepting is asynchronous).
            Thread.sleep(500);

            activator.close();

            assertThat(in.read()).as("what the connection reads after the stop: -1 is its end").isEqualTo(-1);
        }
    }
}
