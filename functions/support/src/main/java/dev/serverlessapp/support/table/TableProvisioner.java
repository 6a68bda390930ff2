package dev.serverlessapp.support.table;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the app table when it is missing and waits until it is ACTIVE: DynamoDB (and dynalite)
 * create tables asynchronously, and a write before then fails.
 */
public final class TableProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TableProvisioner.class);

    private TableProvisioner() {
    }

    public static CompletableFuture<Void> ensureTable(DynamoDbAsyncClient dynamo, String table, Duration timeout) {
        return dynamo.describeTable(d -> d.tableName(table))
                .thenApply(found -> found.table().tableStatus() == TableStatus.ACTIVE)
                .exceptionallyCompose(error -> unwrap(error) instanceof ResourceNotFoundException
                        ? create(dynamo, table)
                        : CompletableFuture.failedFuture(error))
                .thenCompose(active -> active ? CompletableFuture.completedFuture(null) : waitActive(dynamo, table, timeout));
    }

    private static CompletableFuture<Boolean> create(DynamoDbAsyncClient dynamo, String table) {
        log.info("Creating DynamoDB table {}", table);
        return dynamo.createTable(AppTable.createTableRequest(table))
                .thenApply(created -> false)
                // Another instance created it first; it may still be CREATING.
                .exceptionally(error -> {
                    if (unwrap(error) instanceof ResourceInUseException) {
                        return false;
                    }
                    throw new IllegalStateException("Could not create table " + table, unwrap(error));
                });
    }

    private static CompletableFuture<Void> waitActive(DynamoDbAsyncClient dynamo, String table, Duration timeout) {
        return dynamo.waiter()
                .waitUntilTableExists(d -> d.tableName(table),
                        w -> w.waitTimeout(timeout)
                                // The SDK's default first back-off is 20 s; poll faster for local start-up.
                                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(100))))
                .thenAccept(done -> log.info("DynamoDB table {} is active", table));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
    }
}
