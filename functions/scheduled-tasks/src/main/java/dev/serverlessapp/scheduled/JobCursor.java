package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.CursorItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The job's progress: one item, {@code JOB#hourly}/{@code CURSOR}, holding per task the last hour
 * it finished. Pings can be lost, so each run starts where the last one stopped, not at "now".
 */
@Component
class JobCursor {

    private static final Map<String, AttributeValue> KEY = Map.of(
            Table.PK, AttributeValue.fromS(CursorItem.PK), Table.SK, AttributeValue.fromS(CursorItem.SK));

    /** The last finished hour of each task, by the task's cursor attribute. */
    record Progress(Map<String, AttributeValue> item) {
        Optional<Instant> lastDone(String attribute) {
            return Optional.ofNullable(item.get(attribute)).map(value -> Table.parseHour(value.s()));
        }
    }

    private final DynamoDbAsyncClient dynamo;
    private final String table;

    JobCursor(DynamoDbAsyncClient dynamo, TableProperties table) {
        this.dynamo = dynamo;
        this.table = table.name();
    }

    Mono<Progress> read() {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(KEY).consistentRead(true)))
                .map(found -> new Progress(found.hasItem() ? found.item() : Map.of()));
    }

    /** Moves a task's cursor to {@code hour}, never backwards: a slower concurrent run must not undo a faster one. */
    Mono<Void> advance(String attribute, Instant hour) {
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table).key(KEY)
                        .updateExpression("SET #done = :hour")
                        .conditionExpression("attribute_not_exists(#done) OR #done < :hour")
                        .expressionAttributeNames(Map.of("#done", attribute))
                        .expressionAttributeValues(Map.of(":hour", AttributeValue.fromS(Table.hour(hour))))))
                .then()
                .onErrorResume(ConditionalCheckFailedException.class, further -> Mono.empty());
    }
}
