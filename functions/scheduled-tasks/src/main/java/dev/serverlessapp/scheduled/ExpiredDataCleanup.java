package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.CursorItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Deletes what has expired: items filed under {@code EXPIRES#<hour>} in the {@code due} index
 * (idempotency records, or anything else given an {@code expiresAt}). DynamoDB's TTL does this
 * within days in AWS, dynalite never; reading one bucket an hour keeps it prompt without a scan.
 * An item there without a numeric {@code expiresAt} is parked ({@link ParkedItems}), not retried. The
 * records are function-support's (every function writes them); this task only deletes them, as the
 * table's TTL would.
 */
@Component
class ExpiredDataCleanup implements HourlyTask {

    private static final Logger log = LoggerFactory.getLogger(ExpiredDataCleanup.class);
    private static final int CONCURRENT_DELETES = 8;
    static final String TASK = "cleanup";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final ParkedItems parked;

    ExpiredDataCleanup(DynamoDbAsyncClient dynamo, TableProperties table, ParkedItems parked) {
        this.dynamo = dynamo;
        this.table = table.name();
        this.parked = parked;
    }

    @Override
    public String cursor() {
        return CursorItem.LAST_CLEANED_HOUR;
    }

    @Override
    public List<Instant> hours(Optional<Instant> lastDone, Instant now, int catchupHours) {
        return Hours.dueBuckets(lastDone, now, catchupHours);
    }

    @Override
    public Mono<Void> run(Instant hour, Instant now) {
        return expiring(hour)
                .flatMap(item -> parked.isolate(TASK, item,
                        () -> expiresAt(item).isAfter(now) ? Mono.just(0) : delete(item, now)), CONCURRENT_DELETES)
                .reduce(0, Integer::sum)
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("Deleted {} expired items due by {}", deleted, Table.hour(hour));
                    }
                })
                .then();
    }

    private Flux<Map<String, AttributeValue>> expiring(Instant hour) {
        return Flux.from(dynamo.queryPaginator(query -> query.tableName(table)
                .indexName(Table.DUE_INDEX)
                .keyConditionExpression("#due = :bucket")
                .projectionExpression("#pk, #sk, #expiresAt")
                .expressionAttributeNames(Map.of("#due", Table.DUE_PK, "#pk", Table.PK, "#sk", Table.SK,
                        "#expiresAt", Table.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":bucket", AttributeValue.fromS(Table.expiringBy(hour)))))
                .items());
    }

    /** Filed under an expiry hour, so it must say when it expires; a retry cannot mend one that does not. */
    private static Instant expiresAt(Map<String, AttributeValue> item) {
        AttributeValue expiresAt = item.get(Table.EXPIRES_AT);
        try {
            return Instant.ofEpochSecond(Long.parseLong(expiresAt.n()));
        } catch (RuntimeException e) {
            throw new BadItem("malformed-item", "its " + Table.EXPIRES_AT + " is not a number of epoch seconds");
        }
    }

    /**
     * The index is eventually consistent and a record can be refreshed after the query, so the
     * delete checks the expiry again on the item itself.
     */
    private Mono<Integer> delete(Map<String, AttributeValue> item, Instant now) {
        return Mono.fromFuture(() -> dynamo.deleteItem(delete -> delete.tableName(table)
                        .key(Map.of(Table.PK, item.get(Table.PK), Table.SK, item.get(Table.SK)))
                        .conditionExpression("#expiresAt <= :now")
                        .expressionAttributeNames(Map.of("#expiresAt", Table.EXPIRES_AT))
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond()))))))
                .thenReturn(1)
                .onErrorResume(ConditionalCheckFailedException.class, refreshed -> Mono.just(0));
    }
}
