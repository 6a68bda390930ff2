package dev.serverlessapp.backends;

import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The same backends as containers, for machines with a Docker engine. The images are free to pull
 * without an account: DynamoDB Local, ElasticMQ and S3Proxy (LocalStack needs an auth token since
 * March 2026, so it is not the default). Test classes that use this are annotated
 * {@code @Testcontainers(disabledWithoutDocker = true)}, so they are skipped, with that reason, where
 * no Docker engine runs.
 */
public final class ContainerBackends implements Backends {

    static final DockerImageName DYNAMODB = DockerImageName.parse("amazon/dynamodb-local:2.6.1");
    static final DockerImageName ELASTICMQ = DockerImageName.parse("softwaremill/elasticmq-native:1.7.1");
    static final DockerImageName S3PROXY = DockerImageName.parse("andrewgaul/s3proxy:s3proxy-2.6.0");

    private static ContainerBackends shared;

    private final GenericContainer<?> dynamo;
    private final GenericContainer<?> sqs;
    private final GenericContainer<?> s3;

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private ContainerBackends() {
        dynamo = new GenericContainer<>(DYNAMODB).withExposedPorts(8000)
                .withCommand("-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb");
        sqs = new GenericContainer<>(ELASTICMQ).withExposedPorts(9324);
        s3 = new GenericContainer<>(S3PROXY).withExposedPorts(80)
                .withEnv("S3PROXY_AUTHORIZATION", "none")
                .waitingFor(Wait.forListeningPort());
        dynamo.start();
        sqs.start();
        s3.start();
    }

    public static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    public static synchronized ContainerBackends shared() {
        if (shared == null) {
            shared = new ContainerBackends();
        }
        return shared;
    }

    @Override
    public URI dynamoDbEndpoint() {
        return endpoint(dynamo, 8000);
    }

    @Override
    public URI sqsEndpoint() {
        return endpoint(sqs, 9324);
    }

    @Override
    public URI s3Endpoint() {
        return endpoint(s3, 80);
    }

    @Override
    public String name() {
        return "containers";
    }

    private static URI endpoint(GenericContainer<?> container, int port) {
        return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(port));
    }
}
