package dev.serverlessapp.email;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.testsupport.Backends;
import java.time.Duration;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * A new app table for one test class. Like {@code AwsTestClients.createTable}, but polls every 50 ms:
 * the SDK waiter's default 20 s pause, taken whenever the first look finds the table still CREATING,
 * made each test class take 20 s longer than its tests.
 */
final class FreshTable {

    private FreshTable() {
    }

    static String create(Backends backends, String prefix) {
        String name = prefix + "-" + java.util.UUID.randomUUID();
        DynamoDbClient dynamo = backends.clients().dynamo();
        dynamo.createTable(AppTable.createTableRequest(name));
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamo)
                .overrideConfiguration(w -> w.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50)))
                        .waitTimeout(Duration.ofSeconds(30)))
                .build()) {
            waiter.waitUntilTableExists(d -> d.tableName(name)).matched().exception().ifPresent(e -> {
                throw new IllegalStateException("Table " + name + " did not become active", e);
            });
        }
        return name;
    }
}
