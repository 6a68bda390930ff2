package dev.serverlessapp.local;

import dev.serverlessapp.local.aws.Backends;
import dev.serverlessapp.local.aws.LocalAws;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the local runtime runs: where the repository and its data are, which backends, which ports
 * (0 = a free one) and on which address the API and the broker listen, Knative's timings, and extra
 * environment for the functions.
 */
public record RuntimeOptions(Path projectDir, Path dataDir, boolean fresh, Backends backends, URI awsEndpoint,
                             String region, Ports ports, Duration idleTimeout, Duration startTimeout,
                             Duration bucketPollInterval, String namespace, java.util.Map<String, String> env,
                             String bindAddress) {

    /** The fixed ports a user types; 0 takes a free one. */
    public record Ports(int api, int broker, int dynamoDb, int sqs, int s3, int smtp) {
        public static Ports defaults() {
            return new Ports(8080, 8090, 8000, 9324, 9000, 2525);
        }

        public static Ports random() {
            return new Ports(0, 0, 0, 0, 0, 0);
        }
    }

    /** What the AWS side starts, and on which ports. */
    public LocalAws.Settings aws() {
        return new LocalAws.Settings(backends, awsEndpoint, region, dataDir, ports.dynamoDb(), ports.sqs(), ports.s3(),
                ports.smtp());
    }

    public static RuntimeOptions defaults(Path projectDir) {
        return new RuntimeOptions(projectDir, projectDir.resolve(".local-data"), false, Backends.EMBEDDED,
                URI.create("http://localhost:4566"), "us-east-1", Ports.defaults(), Duration.ofSeconds(60),
                Duration.ofSeconds(120), Duration.ofSeconds(1), dev.serverlessapp.deploy.Chart.DEFAULT_NAMESPACE,
                java.util.Map.of(), "127.0.0.1");
    }

    public RuntimeOptions withPorts(Ports ports) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env, bindAddress);
    }

    public RuntimeOptions withDataDir(Path dataDir, boolean fresh) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env, bindAddress);
    }

    public RuntimeOptions withIdleTimeout(Duration idleTimeout) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env, bindAddress);
    }

    public RuntimeOptions withBackends(Backends backends, URI awsEndpoint, String region) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env, bindAddress);
    }

    /** Extra environment for the functions: {@code NAME} for all, {@code function:NAME} for one. */
    public RuntimeOptions withEnv(java.util.Map<String, String> env) {
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, java.util.Map.copyOf(env), bindAddress);
    }

    /**
     * The address the API and the broker listen on: loopback unless asked otherwise (e.g. 0.0.0.0 to reach
     * them from another machine). The functions, the backends and every other door stay on loopback.
     */
    public RuntimeOptions withBindAddress(String bindAddress) {
        try {
            java.net.InetAddress.ofLiteral(bindAddress);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The bind address must be an IP address such as 127.0.0.1 or 0.0.0.0, not "
                    + bindAddress, e);
        }
        return new RuntimeOptions(projectDir, dataDir, fresh, backends, awsEndpoint, region, ports, idleTimeout,
                startTimeout, bucketPollInterval, namespace, env, bindAddress);
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
