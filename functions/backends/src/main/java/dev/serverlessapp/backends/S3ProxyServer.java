package dev.serverlessapp.backends;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * S3Proxy, the S3-compatible server, as a child JVM from its self-contained jar: it needs Jetty 11,
 * while Spring Boot manages Jetty 12, so it cannot share a class path with the functions.
 */
public final class S3ProxyServer implements AutoCloseable {

    private final ChildProcess process;

    private S3ProxyServer(ChildProcess process) {
        this.process = process;
    }

    /** Starts S3Proxy in memory ({@code dataDir} null) or on a folder of files. */
    public static S3ProxyServer start(int port, Path dataDir) {
        try {
            Path config = Files.createTempFile("s3proxy-", ".properties");
            String backend = dataDir == null
                    ? "jclouds.provider=transient\n"
                    : "jclouds.provider=filesystem\njclouds.filesystem.basedir=" + dataDir + "\n";
            Files.writeString(config, """
                    s3proxy.endpoint=http://127.0.0.1:%d
                    s3proxy.authorization=none
                    jclouds.identity=%s
                    jclouds.credential=%s
                    """.formatted(port, Backends.ACCESS_KEY, Backends.SECRET_KEY) + backend);
            String java = ProcessHandle.current().info().command().orElse("java");
            // In memory, every object stays on the heap: the benchmark's file-processor load puts one image
            // (about 1 MB) per request, so 256 MB ran out at 243. A cap, not a reservation.
            List<String> command = List.of(java, "-Xmx1g", "-XX:TieredStopAtLevel=1",
                    "-jar", jar().toString(), "--properties", config.toString());
            return new S3ProxyServer(ChildProcess.start("s3proxy", command, port, Duration.ofSeconds(60)));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not configure S3Proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + process.port());
    }

    @Override
    public void close() {
        process.close();
    }

    static Path jar() {
        String configured = System.getProperty("s3proxy.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        try (InputStream in = S3ProxyServer.class.getResourceAsStream("/backends.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            Path jar = Path.of(properties.getProperty("s3proxy.jar"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("S3Proxy's jar is missing at " + jar
                        + ": build the backends module (./mvnw -pl functions/backends package)");
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
