package dev.serverlessapp.users;

import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.ContainerBackends;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same scenarios on containers (DynamoDB Local, ElasticMQ). Skipped, with that reason, where no
 * Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class UserApiOnContainersTest extends UserApiScenarios {

    static final String TABLE = "users-" + UUID.randomUUID();
    static String queueUrl;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        queueUrl = provision(ContainerBackends.shared(), TABLE, registry);
    }

    @Override
    AwsTestClients clients() {
        return ContainerBackends.shared().clients();
    }

    @Override
    String table() {
        return TABLE;
    }

    @Override
    String queueUrl() {
        return queueUrl;
    }
}
