package dev.serverlessapp.users;

import dev.serverlessapp.backends.AwsTestClients;
import dev.serverlessapp.backends.LocalBackends;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The users API on dynalite and ElasticMQ, started by the test on random loopback ports. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class UserApiOnLocalBackendsTest extends UserApiScenarios {

    static final String TABLE = "users-" + UUID.randomUUID();
    static String queueUrl;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        queueUrl = provision(LocalBackends.shared(), TABLE, registry);
    }

    @Override
    AwsTestClients clients() {
        return LocalBackends.shared().clients();
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
