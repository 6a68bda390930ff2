package dev.serverlessapp.connector;

import java.io.IOException;
import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** ElasticMQ in the test JVM on a free loopback port, and a client for it. */
final class LocalSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    LocalSqs() throws IOException {
        int port = ConnectorProcess.freePort();
        // The node address makes the queue URLs it hands out point at the real port.
        server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        server.waitUntilStarted();
        endpoint = URI.create("http://127.0.0.1:" + port);
        client = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    URI endpoint() {
        return endpoint;
    }

    SqsClient client() {
        return client;
    }

    /** Creates the queue an ARN names; its URL. */
    String createQueue(String arn) {
        return client.createQueue(q -> q.queueName(arn.substring(arn.lastIndexOf(':') + 1))).queueUrl();
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
