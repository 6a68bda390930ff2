package dev.serverlessapp.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends.Service;
import dev.serverlessapp.backends.LocalBackends;
import dev.serverlessapp.backends.Ports;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.databind.JsonNode;

/**
 * SQS down: the seed logged the failure and forgot the welcome. Here the user is still created and
 * its welcome stays pending, which the hourly job acts on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class WelcomeQueueUnreachableTest {

    static final String TABLE = "users-" + UUID.randomUUID();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        LocalBackends backends = LocalBackends.shared();
        backends.springProperties(Service.DYNAMODB).forEach((name, value) -> registry.add(name, () -> value));
        backends.clients().createTable(AppTable.createTableRequest(TABLE));
        registry.add("app.table.name", () -> TABLE);
        LocalIssuer.trust(registry);
        // Nothing listens on this port: every SQS call is refused, also after the SDK's retries.
        String closed = "http://127.0.0.1:" + Ports.free();
        registry.add("aws.endpoints.sqs", () -> closed);
        registry.add("users.email-queue-url", () -> closed + "/000000000000/emails");
    }

    @Autowired
    WebTestClient http;

    @Test
    void unreachableQueueStillCreatesTheUserWithAPendingWelcome() {
        JsonNode created = http.post().uri("/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"Offline\",\"email\":\"offline-" + UUID.randomUUID() + "@example.com\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        String id = created.get("user").get("id").asString();
        // Stored and filed under its creation hour, where the hourly job finds its welcome still pending:
        // no welcome item, as email-worker has sent nothing.
        assertThat(item(id, "PROFILE").get(Table.ACTIVITY_PK).s()).startsWith("CREATED#");
        assertThat(item(id, "WELCOME")).isEmpty();
    }

    private static Map<String, AttributeValue> item(String userId, String sk) {
        return LocalBackends.shared().clients().dynamo().getItem(get -> get
                .tableName(TABLE).consistentRead(true)
                .key(Map.of(Table.PK, AttributeValue.fromS("USER#" + userId), Table.SK, AttributeValue.fromS(sk))))
                .item();
    }
}
