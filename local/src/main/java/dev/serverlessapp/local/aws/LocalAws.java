package dev.serverlessapp.local.aws;

import dev.serverlessapp.local.lifecycle.Stopping;
import dev.serverlessapp.backends.Dynalite;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.Ports;
import dev.serverlessapp.backends.S3ProxyServer;
import dev.serverlessapp.backends.SmtpCatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.IntSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The AWS side of a local run: the embedded servers (dynalite, ElasticMQ, S3Proxy, GreenMail), or
 * LocalStack, or real AWS; clients for them; provisioning; and the environment that points a
 * function at them.
 */
public final class LocalAws implements AutoCloseable {

    /** SQS moves a message to the queue's dead-letter queue after this many receives, as the chart's default. */
    public static final int MAX_RECEIVE_COUNT = 5;

    /**
     * What to start: which backends, LocalStack's endpoint, the region, where the embedded servers keep their
     * data, and their ports (0 = a free one).
     */
    public record Settings(Backends backends, URI awsEndpoint, String region, Path dataDir, int dynamoDbPort,
                           int sqsPort, int s3Port, int smtpPort) {
    }

    private final Settings options;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private URI dynamoDb;
    private URI sqs;
    private URI s3;
    private SmtpCatcher smtp;
    private SqsAsyncClient sqsAsync;
    /** The first backend that failed to start while others started beside it. */
    private RuntimeException failure;
    private S3AsyncClient s3Async;

    private LocalAws(Settings options) {
        this.options = options;
    }

    /** Starts what the options ask for, reporting each step. */
    public static LocalAws start(Settings options, Consumer<String> progress) {
        return start(options, progress, Ports::free);
    }

    /** As {@link #start(Settings, Consumer)}, taking its free ports from {@code freePorts}. */
    static LocalAws start(Settings options, Consumer<String> progress, IntSupplier freePorts) {
        LocalAws aws = new LocalAws(options);
        try {
            aws.startServers(progress, new ServerPorts(freePorts));
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
        return aws;
    }

    private void startServers(Consumer<String> progress, ServerPorts ports) {
        switch (options.backends()) {
            case EMBEDDED -> {
                // dynalite and S3Proxy are processes of their own: they start while ElasticMQ starts here.
                CompletableFuture<Dynalite> dynalite = inBackground(() -> ports.start(options.dynamoDbPort(), "DynamoDB",
                        "--dynamodb-port", port -> Dynalite.start(port, folder("dynamodb"))));
                CompletableFuture<S3ProxyServer> s3Proxy = inBackground(() -> ports.start(options.s3Port(), "S3",
                        "--s3-port", port -> S3ProxyServer.start(port, folder("s3"))));
                try {
                    // Queued messages outlive a restart, as they would in SQS.
                    ElasticMq elasticMq = started(ports.start(options.sqsPort(), "SQS", "--sqs-port",
                            port -> ElasticMq.start(port, folder("sqs"))));
                    sqs = elasticMq.endpoint();
                    progress.accept("SQS (ElasticMQ) on port " + sqs.getPort());
                } finally {
                    // Whatever else failed, what did start is kept, so that close() stops it.
                    dynamoDb = joined(dynalite).map(Dynalite::endpoint).orElse(null);
                    s3 = joined(s3Proxy).map(S3ProxyServer::endpoint).orElse(null);
                }
                if (failure != null) {
                    throw failure;
                }
                progress.accept("DynamoDB (dynalite) on port " + dynamoDb.getPort());
                progress.accept("S3 (S3Proxy) on port " + s3.getPort());
            }
            case LOCALSTACK -> {
                // One endpoint for everything, as LocalStack serves every service on one port.
                progress.accept("AWS services at " + options.awsEndpoint());
                dynamoDb = sqs = s3 = options.awsEndpoint();
            }
            case AWS -> progress.accept("real AWS in " + options.region() + " (credentials from the default chain)");
        }
        smtp = started(ports.start(options.smtpPort(), "SMTP", "--smtp-port", SmtpCatcher::start));
        progress.accept("SMTP catcher (GreenMail) on port " + smtp.port());
    }

    private static <T> CompletableFuture<T> inBackground(Supplier<T> start) {
        CompletableFuture<T> future = new CompletableFuture<>();
        // A platform thread: start-up loads classes, which pins a virtual thread's carrier (see LocalRuntime).
        Thread.ofPlatform().name("start-backend").start(() -> {
            try {
                future.complete(start.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** The started server, kept for close(); a failed start is rethrown once every other has ended. */
    private <T extends AutoCloseable> Optional<T> joined(CompletableFuture<T> starting) {
        try {
            return Optional.of(started(starting.join()));
        } catch (CompletionException e) {
            if (failure == null) {
                failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            return Optional.empty();
        }
    }

    private <T extends AutoCloseable> T started(T server) {
        servers.add(server);
        return server;
    }

    private Path folder(String name) {
        try {
            return Files.createDirectories(options.dataDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + options.dataDir().resolve(name), e);
        }
    }

    public Backends mode() {
        return options.backends();
    }

    public String region() {
        return options.region();
    }

    public URI s3Endpoint() {
        return s3;
    }

    public URI sqsEndpoint() {
        return sqs;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDb;
    }

    public SmtpCatcher smtp() {
        return smtp;
    }

    /**
     * What a function's container environment gets on top of the chart's, to reach these backends; a null
     * value removes the variable (the AWS SDK reads {@code AWS_ENDPOINT_URL} itself, and an empty one breaks it).
     */
    public Map<String, String> functionEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", options.region());
        if (options.backends() != Backends.AWS) {
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_ENDPOINT_URL", null);
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
            env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
            env.put("AWS_ENDPOINT_URL_S3", s3.toString());
            env.put("AWS_S3_FORCE_PATH_STYLE", "true");
            // Each function makes the table at its start if it is missing, and waits until it is ACTIVE
            // (function-support's TableProvisioner): the runtime needs no DynamoDB client of its own.
            env.put("DYNAMODB_CREATE_TABLE", "true");
        } else {
            env.put("DYNAMODB_CREATE_TABLE", "false");
            // A pod gets its role from its ServiceAccount; locally the developer's own credentials stand in.
            for (String name : List.of("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                    "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")) {
                String value = System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
        }
        // Mail always lands in the local catcher, so a local run never mails a real person.
        env.put("MAIL_TRANSPORT", "smtp");
        env.put("SMTP_HOST", smtp.host());
        env.put("SMTP_PORT", Integer.toString(smtp.port()));
        env.put("SMTP_STARTTLS", "false");
        env.put("SMTP_USERNAME", null);
        env.put("SMTP_PASSWORD", null);
        return env;
    }

    // ---- provisioning: at start-up on the main thread, before any event flows; through the async clients
    // the routing uses anyway, so that the runtime loads no second, blocking client of each ----

    /** The queue's URL, creating it (with a dead-letter queue after {@value #MAX_RECEIVE_COUNT} receives) if needed. */
    public String ensureQueue(String name, boolean withDeadLetterQueue) {
        SqsAsyncClient client = sqsAsync();
        try {
            return await(client.getQueueUrl(g -> g.queueName(name))).queueUrl();
        } catch (QueueDoesNotExistException e) {
            if (options.backends() == Backends.AWS) {
                throw new IllegalStateException("Queue " + name + " does not exist in AWS: create it as README's "
                        + "deploy section describes", e);
            }
        }
        if (!withDeadLetterQueue) {
            return await(client.createQueue(c -> c.queueName(name))).queueUrl();
        }
        String dlqUrl = await(client.createQueue(c -> c.queueName(name + "-dlq"))).queueUrl();
        String dlqArn = await(client.getQueueAttributes(g -> g.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN)))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String policy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}";
        return await(client.createQueue(c -> c.queueName(name)
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy)))).queueUrl();
    }

    /** Creates the bucket if missing; answers whether it was created now. */
    public boolean ensureBucket(String name) {
        S3AsyncClient client = s3Async();
        try {
            await(client.headBucket(h -> h.bucket(name)));
            return false;
        } catch (NoSuchBucketException e) {
            // create below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        if (options.backends() == Backends.AWS) {
            throw new IllegalStateException("Bucket " + name + " does not exist in AWS: create it as README's "
                    + "deploy section describes");
        }
        await(client.createBucket(c -> c.bucket(name)));
        return true;
    }

    /** The answer, or the SDK's own exception (not wrapped in a CompletionException), for provisioning's catch blocks. */
    public static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** A blocking client for tests and tools; the runtime itself uses {@link #s3Async()}. */
    public S3Client s3Client() {
        return configure(S3Client.builder(), s3).httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(s3 != null)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    /** A blocking client for tests and tools; the runtime itself uses {@link #sqsAsync()}. */
    public SqsClient sqsClient() {
        return configure(SqsClient.builder(), sqs).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public synchronized SqsAsyncClient sqsAsync() {
        if (sqsAsync == null) {
            sqsAsync = configure(SqsAsyncClient.builder(), sqs).httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        }
        return sqsAsync;
    }

    public synchronized S3AsyncClient s3Async() {
        if (s3Async == null) {
            s3Async = configure(S3AsyncClient.builder(), s3).httpClientBuilder(NettyNioAsyncHttpClient.builder())
                    .forcePathStyle(s3 != null)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
        }
        return s3Async;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        builder.region(Region.of(options.region())).credentialsProvider(credentials());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        return options.backends() == Backends.AWS
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    @Override
    public synchronized void close() {
        if (sqsAsync != null) {
            sqsAsync.close();
        }
        if (s3Async != null) {
            s3Async.close();
        }
        Stopping.inParallel(List.copyOf(servers));
        servers.clear();
    }
}
