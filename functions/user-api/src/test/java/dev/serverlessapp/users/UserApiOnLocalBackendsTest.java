package dev.serverlessapp.users;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testsupport.AwsTestClients;
import dev.serverlessapp.testsupport.Backends.Service;
import dev.serverlessapp.testsupport.LocalBackends;
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
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Service.DYNAMODB, Service.SQS).forEach((name, value) -> registry.add(name, () -> value));
        backends.clients().createTable(AppTable.createTableRequest(TABLE));
        queueUrl = backends.clients().createQueue("emails-" + UUID.randomUUID());
        registry.add("app.table.name", () -> TABLE);
        registry.add("users.email-queue-url", () -> queueUrl);
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
