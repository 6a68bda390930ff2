package dev.serverlessapp.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each packaged function starts the way its image starts it (functions/pom.xml: from the layout
 * directory, {@code java @jvm.args -XX:AOTCache=app.aot -jar app.jar}), and the JVM's own log shows
 * the AOT cache opened and the function's classes loaded from it. {@code -XX:AOTMode=on} makes the
 * JVM refuse to start instead of silently running without a cache it rejects.
 */
class AotCacheAcceptedTest {

    /**
     * Loaded only when the AWS SDK's HTTP client sends a request, which every function's work does.
     * The JVM loads every class of the cache at start (AOT class linking), so it shows up from the
     * cache even in a run that serves nothing, but only if the training run served real requests.
     */
    static final String REQUEST_PATH_CLASS = "software.amazon.awssdk.http.nio.netty.internal.NettyRequestExecutor";

    static Stream<Path> packagedFunctions() throws IOException {
        Path functions = Path.of(System.getProperty("functions.dir", "..")).toAbsolutePath().normalize();
        try (var dirs = Files.list(functions)) {
            List<Path> found = dirs.filter(dir -> Files.isRegularFile(dir.resolve("src/main/resources/application.yaml")))
                    .sorted().toList();
            assertThat(found).as("function modules under %s", functions).isNotEmpty();
            return found.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("packagedFunctions")
    void imageEntrypointStartsFromTheAotCache(Path function) throws Exception {
        Path layout = Variant.imageLayout(function);
        assertThat(layout.resolve("app.aot")).as("the AOT cache beside the app").isRegularFile();
        String mainClass = Variant.mainClass(Variant.bootJar(function));

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@jvm.args", "-XX:AOTCache=app.aot", "-jar", "app.jar"));
        // Diagnostics only, added in front of the entrypoint's own arguments: fail if the cache cannot be
        // used, log what the cache does, and stop once the context is up (no backends needed).
        command.addAll(1, List.of("-XX:AOTMode=on", "-Xlog:aot=info", "-Xlog:class+load=info",
                "-Dspring.context.exit=onRefresh"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(layout.toFile()).redirectErrorStream(true);
        builder.environment().put("PORT", "0");
        builder.environment().put("MANAGEMENT_PORT", "0");
        builder.environment().put("AUTH_JWK_SET_URI", "http://127.0.0.1:9/aot-check/jwks");
        builder.environment().put("S3_BUCKET", "aot-check");
        builder.environment().put("EMAIL_QUEUE_URL", "http://127.0.0.1:9324/000000000000/aot-check");
        Path log = Files.createTempFile("aot-" + function.getFileName(), ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("started and stopped in time; log %s", log).isTrue();
        String output = Files.readString(log);

        assertThat(process.exitValue()).as("exit code; log %s", log).isZero();
        assertThat(output).contains("Opened AOT cache app.aot")
                .doesNotContain("shared class paths mismatch")
                .doesNotContain("An error has occurred while processing the AOT cache");
        assertThat(output.lines().filter(line -> line.contains(" " + mainClass + " source: shared objects file")))
                .as("%s loaded from the AOT cache", mainClass).isNotEmpty();
        assertThat(output.lines().filter(line -> line.contains(" " + REQUEST_PATH_CLASS + " source: shared objects file")))
                .as("the request path (%s) in the AOT cache: trained on real requests", REQUEST_PATH_CLASS).isNotEmpty();
    }

    /** The cache only loads on the JDK build that made it: the image's base must be that build. */
    @Test
    void imageBaseIsTheJdkBuildThatTrainsTheCache() {
        Runtime.Version jdk = Runtime.version();
        String tag = jdk.feature() + "." + jdk.interim() + "." + jdk.update() + "_" + jdk.build().orElseThrow();
        assertThat(System.getProperty("image.base")).as("image.base in the root pom.xml")
                .isEqualTo("eclipse-temurin:" + tag + "-jdk");
    }
}
