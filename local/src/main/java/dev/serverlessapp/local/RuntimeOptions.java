package dev.serverlessapp.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the local runtime runs: where the repository and its data are, which backends, which ports
 * (0 = a free one), Knative's timings, and extra environment for the functions.
 */
public record RuntimeOptions(Path projectDir, Path dataDir, boolean fresh, Backends backends, URI awsEndpoint,
                             String region, Ports ports, Duration idleTimeout, Duration startTimeout,
                             Duration bucketPollInterval, String namespace, java.util.Map<String, String> env) {

    /** Embedded servers, LocalStack (or any one AWS-compatible endpoint), or real AWS. */
    public enum Backends { EMBEDDED, LOCALSTACK, AWS }

    /** The fixed ports a user types; 0 takes a free one. */
    public record Ports(int api, int broker, int dynamoDb, int sqs, int s3, int smtp) {
        public static Ports defaults() {
            return new Ports(8080, 8090, 8000, 9324, 9000, 2525);
        }

        public static Ports random() {
            return new Ports(0, 0, 0, 0, 0, 0);
        }
    }

    public static RuntimeOptions defaults(Path projectDir) {
        return new RuntimeOptions(projectDir, projectDir.resolve(".local-data"), false, Backends.EMBEDDED,
                URI.create("http://localhost:4566"), "us-east-1", Ports.defaults(), Duration.ofSeconds(60),
                Duration.ofSeconds(120), Duration.ofSeconds(1), dev.serverlessapp.deploy.Chart.DEFAULT_NAMESPACE,
                java.util.Map.of());
    }

    public RuntimeOptions withPorts(Ports ports) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env);
    }

    public RuntimeOptions withDataDir(Path dataDir, boolean fresh) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env);
    }

    public RuntimeOptions withIdleTimeout(Duration idleTimeout) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env);
    }

    public RuntimeOptions withBackends(Backends backends, URI awsEndpoint, String region) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env);
    }

    /** Extra environment for the functions: {@code NAME} for all, {@code function:NAME} for one. */
    public RuntimeOptions withEnv(java.util.Map<String, String> env) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, java.util.Map.copyOf(env));
    }

    /** The repository root: the nearest folder upwards that holds the chart and the functions. */
    public static Path findProjectDir(Path from) {
        for (Path dir = from.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isDirectory(dir.resolve("functions"))
                    && java.nio.file.Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("Run this inside the serverless-app repository (no mvnw and functions/ above "
                + from.toAbsolutePath() + ")");
    }
}
