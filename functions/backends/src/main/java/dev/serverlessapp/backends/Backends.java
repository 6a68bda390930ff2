package dev.serverlessapp.backends;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS-compatible backends reached over real sockets: a DynamoDB, an SQS and an S3 endpoint. Two kinds
 * exist: {@link LocalBackends} (servers started in this JVM or as child processes, no Docker) and
 * {@link ContainerBackends} (Testcontainers, when a Docker engine is present).
 */
public interface Backends {

    /** Fake credentials: the emulators accept any, and real credentials must never reach a test. */
    String ACCESS_KEY = "test";
    String SECRET_KEY = "test";
    String REGION = "us-east-1";

    URI dynamoDbEndpoint();

    URI sqsEndpoint();

    URI s3Endpoint();

    /** A short name for test output: which kind of backends a scenario ran on. */
    String name();

    /** The services a test can ask for; only those are started. */
    enum Service { DYNAMODB, SQS, S3 }

    /**
     * The Spring properties that point a function at these backends, as the function's
     * configuration reads them in a cluster (see function-defaults.yaml).
     */
    default Map<String, Object> springProperties(Service... services) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("aws.region", REGION);
        properties.put("aws.access-key-id", ACCESS_KEY);
        properties.put("aws.secret-access-key", SECRET_KEY);
        properties.put("aws.s3-path-style", "true");
        for (Service service : services) {
            switch (service) {
                case DYNAMODB -> properties.put("aws.endpoints.dynamodb", dynamoDbEndpoint().toString());
                case SQS -> properties.put("aws.endpoints.sqs", sqsEndpoint().toString());
                case S3 -> properties.put("aws.endpoints.s3", s3Endpoint().toString());
            }
        }
        return properties;
    }

    /** Sync clients for the tests' own set-up and checks. */
    default AwsTestClients clients() {
        return new AwsTestClients(this);
    }
}
