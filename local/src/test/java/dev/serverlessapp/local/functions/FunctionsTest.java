package dev.serverlessapp.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.backends.Ports;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

/** The functions' doors: the first external function is the API, on its port; the others stay on loopback. */
class FunctionsTest {

    @TempDir
    Path dir;

    @Test
    void theFirstExternalFunctionIsTheApiAndEveryFunctionHasAStableUrl() {
        int apiPort = Ports.free();
        List<FunctionSpec> specs = List.of(spec("email-worker", false), spec("user-api", true), spec("other-api", true));

        try (Functions functions = Functions.start(specs, settings(apiPort), HttpClient.create())) {
            assertThat(functions.apiUrl()).isEqualTo("http://127.0.0.1:" + apiPort);
            Map<String, String> urls = functions.urls();
            assertThat(urls).containsOnlyKeys("email-worker", "user-api", "other-api")
                    .containsEntry("user-api", functions.apiUrl());
            assertThat(urls.values()).doesNotHaveDuplicates()
                    .allSatisfy(url -> assertThat(URI.create(url).getHost()).isEqualTo("127.0.0.1"))
                    .allSatisfy(url -> assertThat(Ports.isListening(URI.create(url).getPort())).isTrue());
            // Scale to zero: nothing runs until a request comes.
            assertThat(functions.processes().values()).noneMatch(FunctionProcess::isRunning);
        }
    }

    @Test
    void closedFunctionsListenNowhere() {
        Functions functions = Functions.start(List.of(spec("user-api", true), spec("email-worker", false)), settings(0),
                HttpClient.create());
        List<Integer> ports = functions.urls().values().stream().map(u -> URI.create(u).getPort()).toList();

        functions.close();

        assertThat(ports).noneMatch(Ports::isListening);
    }

    private Functions.Settings settings(int apiPort) {
        return new Functions.Settings(dir.resolve("logs"), Duration.ofSeconds(60), Duration.ofSeconds(60), "127.0.0.1", apiPort);
    }

    private FunctionSpec spec(String name, boolean external) {
        return new FunctionSpec(name, dir.resolve(name + ".jar"), Map.of(), dir.resolve("jvm.args"), List.of(),
                "/readyz", true, external);
    }
}
