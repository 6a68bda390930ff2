package dev.serverlessapp.users;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.backends.Backends.Service;
import dev.serverlessapp.testing.HoldingProxy;
import dev.serverlessapp.backends.LocalBackends;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * user-api on dynalite behind a {@link HoldingProxy}, so a test can stall DynamoDB at one chosen step
 * of a sign-up, and ElasticMQ; with the checks a sign-up scenario makes in the backends.
 */
final class StalledDynamo {

    static final LocalBackends BACKENDS = LocalBackends.shared();

    final String table = "users-" + UUID.randomUUID();
    final HoldingProxy proxy = HoldingProxy.to(BACKENDS.dynamoDbEndpoint());
    final String queueUrl;

    StalledDynamo() {
        BACKENDS.clients().createTable(AppTable.createTableRequest(table));
        queueUrl = BACKENDS.clients().createQueue("emails-" + UUID.randomUUID());
    }

    void register(DynamicPropertyRegistry registry) {
        BACKENDS.springProperties(Service.SQS).forEach((name, value) -> registry.add(name, () -> value));
        registry.add("aws.endpoints.dynamodb", () -> proxy.endpoint().toString());
        registry.add("app.table.name", () -> table);
        registry.add("users.email-queue-url", () -> queueUrl);
        LocalIssuer.trust(registry);
    }

    /** The email's claim item, or an empty map. */
    Map<String, AttributeValue> emailClaim(String email) {
        return item("EMAIL#" + email, "CLAIM");
    }

    Map<String, AttributeValue> user(String id) {
        return item("USER#" + id, "PROFILE");
    }

    /** Test-only scan: the API itself never scans. */
    List<Map<String, AttributeValue>> usersWithEmail(String email) {
        return BACKENDS.clients().dynamo().scanPaginator(scan -> scan.tableName(table).consistentRead(true)
                        .filterExpression("sk = :profile AND email = :email")
                        .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS("PROFILE"),
                                ":email", AttributeValue.fromS(email))))
                .items().stream().toList();
    }

    /** The welcome messages queued for this address, read within a few seconds. */
    List<Message> welcomesFor(String email) {
        List<Message> mine = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(deadline)) {
            List<Message> batch = BACKENDS.clients().sqs().receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(60)).messages();
            batch.stream().filter(m -> m.body().contains("\"" + email + "\"")).forEach(mine::add);
            if (batch.isEmpty() && !mine.isEmpty()) {
                break;
            }
        }
        return mine;
    }

    private Map<String, AttributeValue> item(String pk, String sk) {
        return BACKENDS.clients().dynamo().getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(Table.PK, AttributeValue.fromS(pk), Table.SK, AttributeValue.fromS(sk)))).item();
    }
}
