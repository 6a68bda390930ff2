package dev.serverlessapp.local.aws;

import dev.serverlessapp.local.RuntimeOptions;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Dynalite;
import dev.serverlessapp.backends.ElasticMq;
import dev.serverlessapp.backends.S3ProxyServer;
import dev.serverlessapp.backends.SmtpCatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
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

    private final RuntimeOptions options;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private URI dynamoDb;
    private URI sqs;
    private URI s3;
    private SmtpCatcher smtp;
    private SqsAsyncClient sqsAsync;
    private S3AsyncClient s3Async;

    private LocalAws(RuntimeOptions options) {
        this.options = options;
    }

    /** Starts what the options ask for, reporting each step. */
    public static LocalAws start(RuntimeOptions options, Consumer<String> progress) {
        LocalAws aws = new LocalAws(options);
        try {
            aws.startServers(progress);
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
        return aws;
    }

    private void startServers(Consumer<String> progress) {
        RuntimeOptions.Ports ports = options.ports();
        switch (options.backends()) {
            case EMBEDDED -> {
                int dynamoPort = PortTakenException.check(ports.dynamoDb(), "DynamoDB", "--dynamodb-port");
                progress.accept("DynamoDB (dynalite) on port " + dynamoPort);
                Dynalite dynalite = Dynalite.start(dynamoPort, folder("dynamodb"));
                servers.add(dynalite);
                dynamoDb = dynalite.endpoint();
                int sqsPort = PortTakenException.check(ports.sqs(), "SQS", "--sqs-port");
                progress.accept("SQS (ElasticMQ) on port " + sqsPort);
                // Queued messages outlive a restart, as they would in SQS.
                ElasticMq elasticMq = ElasticMq.start(sqsPort, folder("sqs"));
                servers.add(elasticMq);
                sqs = elasticMq.endpoint();
                int s3Port = PortTakenException.check(ports.s3(), "S3", "--s3-port");
                progress.accept("S3 (S3Proxy) on port " + s3Port);
                S3ProxyServer s3Proxy = S3ProxyServer.start(s3Port, folder("s3"));
                servers.add(s3Proxy);
                s3 = s3Proxy.endpoint();
            }
            case LOCALSTACK -> {
                // One endpoint for everything, as LocalStack serves every service on one port.
                progress.accept("AWS services at " + options.awsEndpoint());
                dynamoDb = sqs = s3 = options.awsEndpoint();
            }
            case AWS -> progress.accept("real AWS in " + options.region() + " (credentials from the default chain)");
        }
        int smtpPort = PortTakenException.check(ports.smtp(), "SMTP", "--smtp-port");
        progress.accept("SMTP catcher (GreenMail) on port " + smtpPort);
        smtp = SmtpCatcher.start(smtpPort);
        servers.add(smtp);
    }

    private Path folder(String name) {
        try {
            return Files.createDirectories(options.dataDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + options.dataDir().resolve(name), e);
        }
    }

    public RuntimeOptions.Backends mode() {
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
        if (options.backends() != RuntimeOptions.Backends.AWS) {
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_ENDPOINT_URL", null);
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
            env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
            env.put("AWS_ENDPOINT_URL_S3", s3.toString());
            env.put("AWS_S3_FORCE_PATH_STYLE", "true");
        } else {
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

    // ---- provisioning: synchronous, at start-up on the main thread, before any event flows ----

    /** Creates the table if it is missing, and waits until it is ACTIVE. */
    public void ensureTable(String name) {
        if (options.backends() == RuntimeOptions.Backends.AWS) {
            return;
        }
        try (DynamoDbClient dynamo = configure(DynamoDbClient.builder(), dynamoDb)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            try {
                dynamo.describeTable(d -> d.tableName(name));
            } catch (ResourceNotFoundException e) {
                dynamo.createTable(AppTable.createTableRequest(name));
                dynamo.waiter().waitUntilTableExists(d -> d.tableName(name), w -> w.waitTimeout(Duration.ofSeconds(60)));
            }
        }
    }

    /** The queue's URL, creating it (with a dead-letter queue after {@value #MAX_RECEIVE_COUNT} receives) if needed. */
    public String ensureQueue(String name, boolean withDeadLetterQueue) {
        try (SqsClient client = configure(SqsClient.builder(), sqs).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            try {
                return client.getQueueUrl(g -> g.queueName(name)).queueUrl();
            } catch (QueueDoesNotExistException e) {
                if (options.backends() == RuntimeOptions.Backends.AWS) {
                    throw new IllegalStateException("Queue " + name + " does not exist in AWS: create it as README's "
                            + "deploy section describes", e);
                }
            }
            if (!withDeadLetterQueue) {
                return client.createQueue(c -> c.queueName(name)).queueUrl();
            }
            String dlqUrl = client.createQueue(c -> c.queueName(name + "-dlq")).queueUrl();
            String dlqArn = client.getQueueAttributes(g -> g.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String policy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}";
            return client.createQueue(c -> c.queueName(name)
                    .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy))).queueUrl();
        }
    }

    /** Creates the bucket if missing; answers whether it was created now. */
    public boolean ensureBucket(String name) {
        try (S3Client client = s3Client()) {
            try {
                client.headBucket(h -> h.bucket(name));
                return false;
            } catch (NoSuchBucketException e) {
                // create below
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
            if (options.backends() == RuntimeOptions.Backends.AWS) {
                throw new IllegalStateException("Bucket " + name + " does not exist in AWS: create it as README's "
                        + "deploy section describes");
            }
            client.createBucket(c -> c.bucket(name));
            return true;
        }
    }

    public S3Client s3Client() {
        return configure(S3Client.builder(), s3).httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(s3 != null)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

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
        return options.backends() == RuntimeOptions.Backends.AWS
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
        dev.serverlessapp.local.LocalRuntime.inParallel(List.copyOf(servers));
        servers.clear();
    }
}
