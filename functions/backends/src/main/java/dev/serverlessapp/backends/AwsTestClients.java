package dev.serverlessapp.backends;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Sync AWS clients for test set-up and assertions, plus the provisioning every test needs. */
public final class AwsTestClients {

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(Backends.ACCESS_KEY, Backends.SECRET_KEY));

    private final Backends backends;

    AwsTestClients(Backends backends) {
        this.backends = backends;
    }

    public DynamoDbClient dynamo() {
        return DynamoDbClient.builder().region(Region.of(Backends.REGION)).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(backends.dynamoDbEndpoint()).build();
    }

    public SqsClient sqs() {
        return SqsClient.builder().region(Region.of(Backends.REGION)).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(backends.sqsEndpoint()).build();
    }

    public S3Client s3() {
        return S3Client.builder().region(Region.of(Backends.REGION)).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(backends.s3Endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Creates a table and waits until it is ACTIVE: DynamoDB and dynalite create tables asynchronously. */
    public void createTable(CreateTableRequest request) {
        DynamoDbClient dynamo = dynamo();
        dynamo.createTable(request);
        dynamo.waiter().waitUntilTableExists(d -> d.tableName(request.tableName()),
                w -> w.waitTimeout(Duration.ofSeconds(60))
                        // The SDK's default first back-off is 20 s; local servers are ready in milliseconds.
                        .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(100))));
    }

    /** Creates a queue and answers its URL. */
    public String createQueue(String name) {
        return sqs().createQueue(c -> c.queueName(name)).queueUrl();
    }

    /** Creates a queue whose messages move to a dead-letter queue after {@code maxReceives}. */
    public String createQueue(String name, String deadLetterQueueUrl, int maxReceives) {
        SqsClient sqs = sqs();
        String dlqArn = sqs.getQueueAttributes(g -> g.queueUrl(deadLetterQueueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        String policy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}";
        return sqs.createQueue(c -> c.queueName(name)
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy))).queueUrl();
    }

    public void createBucket(String name) {
        s3().createBucket(c -> c.bucket(name));
    }
}
