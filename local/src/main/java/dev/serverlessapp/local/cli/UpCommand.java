package dev.serverlessapp.local.cli;

import dev.serverlessapp.local.LocalRuntime;
import dev.serverlessapp.local.aws.Backends;
import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.local.RuntimeState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Starts everything, prints where it is, and runs until Ctrl-C. */
@Command(name = "up", description = "Start the functions, the event routing and the backends (the default command).")
final class UpCommand implements Callable<Integer> {

    @Mixin
    LocalCommand.Location location = new LocalCommand.Location();

    @Option(names = "--fresh", description = "Start with empty data: delete the data folder first.")
    boolean fresh;

    @Option(names = "--backends", defaultValue = "${env:SERVERLESS_LOCAL_BACKENDS:-embedded}",
            description = "embedded (dynalite, ElasticMQ, S3Proxy), localstack (one endpoint, see --aws-endpoint) "
                    + "or aws (real AWS, default credentials). Default: ${DEFAULT-VALUE}.")
    String backends;

    @Option(names = "--aws-endpoint", defaultValue = "${env:SERVERLESS_LOCAL_AWS_ENDPOINT:-http://localhost:4566}",
            description = "The endpoint for --backends=localstack. Default: ${DEFAULT-VALUE}.")
    String awsEndpoint;

    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "AWS region. Default: ${DEFAULT-VALUE}.")
    String region;

    @Option(names = "--idle-timeout", defaultValue = "${env:SERVERLESS_LOCAL_IDLE_TIMEOUT:-60}",
            description = "Seconds (or ISO-8601 duration) without traffic before a function is scaled to zero. Default: ${DEFAULT-VALUE}.")
    String idleTimeout;

    @Option(names = "--env", description = "Extra environment for the functions: NAME=VALUE for all, "
            + "function:NAME=VALUE for one (repeatable), e.g. --env user-api:AUTH_ISSUER_URI=https://issuer.example.")
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();

    @Option(names = "--bind-address", defaultValue = "${env:SERVERLESS_LOCAL_BIND_ADDRESS:-127.0.0.1}",
            description = "The address the API and the broker listen on (0.0.0.0: every interface); the functions "
                    + "and the backends stay on loopback. Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(names = "--random-ports", description = "Take free ports for everything instead of the fixed ones.")
    boolean randomPorts;

    @Option(names = "--api-port", defaultValue = "8080", description = "Default: ${DEFAULT-VALUE}.")
    int apiPort;

    @Option(names = "--broker-port", defaultValue = "8090", description = "Default: ${DEFAULT-VALUE}.")
    int brokerPort;

    @Option(names = "--dynamodb-port", defaultValue = "8000", description = "Default: ${DEFAULT-VALUE}.")
    int dynamoDbPort;

    @Option(names = "--sqs-port", defaultValue = "9324", description = "Default: ${DEFAULT-VALUE}.")
    int sqsPort;

    @Option(names = "--s3-port", defaultValue = "9000", description = "Default: ${DEFAULT-VALUE}.")
    int s3Port;

    @Option(names = "--smtp-port", defaultValue = "2525", description = "Default: ${DEFAULT-VALUE}.")
    int smtpPort;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        RuntimeOptions options = options();
        CountDownLatch stopped = new CountDownLatch(1);
        LocalRuntime[] running = new LocalRuntime[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (running[0] != null) {
                out.println("\nstopping: functions, sources, backends …");
                running[0].close();
                out.println("stopped; nothing left running");
            }
            stopped.countDown();
        }, "stop-local-runtime"));
        try {
            out.println("starting serverless-app locally (data in " + options.dataDir() + (fresh ? ", fresh" : "") + ")");
            running[0] = LocalRuntime.start(options, step -> out.println("  ▸ " + step));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        Summary.print(out, running[0]);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    RuntimeOptions options() {
        Path project = location.projectDir();
        RuntimeOptions options = RuntimeOptions.defaults(project)
                .withDataDir(location.dataDir(), fresh)
                .withIdleTimeout(LocalCommand.duration(idleTimeout))
                .withBackends(Backends.valueOf(backends.toUpperCase(java.util.Locale.ROOT)),
                        LocalCommand.uri(awsEndpoint), region)
                .withEnv(env)
                .withBindAddress(bindAddress);
        return options.withPorts(randomPorts ? RuntimeOptions.Ports.random()
                : new RuntimeOptions.Ports(apiPort, brokerPort, dynamoDbPort, sqsPort, s3Port, smtpPort));
    }

    /** The table a user reads after start-up. */
    static final class Summary {
        static void print(PrintStream out, LocalRuntime runtime) {
            RuntimeState s = runtime.state();
            String cli = "./serverless-local";
            out.println();
            out.println("serverless-app is running locally (routing from helm/serverless-app, namespace "
                    + runtime.chart().namespace() + ")");
            out.println();
            row(out, "API (user-api)", s.apiUrl(), "curl -X POST " + s.apiUrl() + "/users -H 'content-type: application/json' "
                    + "-d '{\"name\":\"Ada\",\"email\":\"ada@example.com\"}'");
            row(out, "Broker", s.brokerUrl(), cli + " send --type my.type --data '{}'");
            row(out, "S3 endpoint", s.s3Endpoint() == null ? "AWS" : s.s3Endpoint(),
                    s.s3Endpoint() == null ? "aws s3 cp photo.png s3://" + s.bucket() + "/uploads/photo.png"
                            // S3Proxy does not take the CLI's newer default checksums.
                            : "AWS_REQUEST_CHECKSUM_CALCULATION=when_required aws --endpoint-url " + s.s3Endpoint()
                            + " s3 cp photo.png s3://" + s.bucket() + "/uploads/photo.png");
            row(out, "S3 bucket", s.bucket(), "thumbnails appear under s3://" + s.bucket() + "/processed/");
            row(out, "SQS", s.sqsEndpoint() == null ? "AWS" : s.sqsEndpoint(), String.join(", ", s.queues().keySet()));
            row(out, "DynamoDB", s.dynamoDbEndpoint() == null ? "AWS" : s.dynamoDbEndpoint(), "credentials: test / test, region " + s.region());
            row(out, "Mail outbox", "smtp://127.0.0.1:" + runtime.smtp().port(), cli + " mail   (files: " + s.mailDir() + ")");
            row(out, "Dead letters", s.deadLetterDir(), cli + " dead-letters");
            runtime.pingSchedules().forEach((name, schedule) ->
                    row(out, "PingSource " + name, schedule, cli + " ping " + name));
            s.functions().forEach((name, url) -> row(out, "  " + name, url,
                    runtime.functions().get(name).spec().scaleToZero() ? "scales to zero when idle" : "always on"));
            out.println();
            out.println("Sample events: " + cli + " generate-event --help      Logs: .local-data/logs/<function>.log");
            out.println("Press Ctrl-C to stop everything.");
        }

        private static void row(PrintStream out, String what, String where, String how) {
            out.printf("  %-18s %-54s %s%n", what, where, how);
        }
    }
}
