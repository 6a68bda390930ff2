package dev.serverlessapp.scheduled;

import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.support.table.TableProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One bad item must never fail the hourly run: a run that fails is retried, fails again, and holds back
 * every later hour of its task for everyone (issue 11). So each item's work runs isolated: when it fails
 * with a {@link BadItem}, the item is parked and the run goes on. Parking
 * <ul>
 *   <li>logs a WARN naming the item and the reason;</li>
 *   <li>counts it in {@value #METRIC} (Prometheus {@code hourly_items_failed_total{task,reason}});</li>
 *   <li>files the item under {@code PARKED#<task>} in the {@code due} index, out of every hour's bucket,
 *       with {@code parkedReason} and {@code parkedAt}: later runs never read it again, and an operator
 *       lists the parked items with one query (README, "How the hourly job stays cheap").</li>
 * </ul>
 * Any other failure is a backend's, and fails the run as before (5xx: Knative retries the ping).
 */
@Component
class ParkedItems {

    static final String METRIC = "hourly.items.failed";
    static final String PARKED_REASON = "parkedReason";

    private static final Logger log = LoggerFactory.getLogger(ParkedItems.class);

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Clock clock;
    private final MeterRegistry meters;

    ParkedItems(DynamoDbAsyncClient dynamo, TableProperties table, Clock clock, MeterRegistry meters) {
        this.dynamo = dynamo;
        this.table = table.name();
        this.clock = clock;
        this.meters = meters;
    }

    /** A change made to the item as it is parked, beyond its due mark: e.g. {@code welcome = PARKED}. */
    record Parking(String update, String condition, Map<String, AttributeValue> values) {
        static final Parking NOTHING_MORE = new Parking("", "", Map.of());
    }

    static String bucket(String task) {
        return "PARKED#" + task;
    }

    /** Runs {@code work} for the item; if the item is bad, parks it and completes empty. */
    <T> Mono<T> isolate(String task, Map<String, AttributeValue> item, Parking parking, Supplier<Mono<T>> work) {
        return Mono.defer(work).onErrorResume(error -> BadItem.of(error).isPresent(), error -> {
            BadItem bad = BadItem.of(error).orElseThrow();
            String name = name(item);
            log.warn("Parked {} in the hourly {} task: {}. Later runs leave it alone; README says how to retry it",
                    name, task, bad.getMessage());
            meters.counter(METRIC, "task", task, "reason", bad.reason()).increment();
            return park(task, item, bad, parking)
                    .onErrorResume(parkFailed -> BadItem.of(parkFailed).isPresent(), parkFailed -> {
                        // Not even the park could be written: the run still goes on; the metric has it.
                        log.warn("Could not park {}: {}", name, parkFailed.toString());
                        return Mono.empty();
                    })
                    .then(Mono.empty());
        });
    }

    private Mono<Void> park(String task, Map<String, AttributeValue> item, BadItem bad, Parking parking) {
        Map<String, AttributeValue> values = new HashMap<>(parking.values());
        values.put(":parked", AttributeValue.fromS(bucket(task)));
        values.put(":reason", AttributeValue.fromS(bad.getMessage()));
        values.put(":now", AttributeValue.fromS(clock.instant().toString()));
        String update = "SET #due = :parked, " + PARKED_REASON + " = :reason, parkedAt = :now"
                + (parking.update().isEmpty() ? "" : ", " + parking.update());
        String condition = "attribute_exists(#pk)" + (parking.condition().isEmpty() ? "" : " AND " + parking.condition());
        return Mono.fromFuture(() -> dynamo.updateItem(park -> park.tableName(table)
                        .key(Map.of(AppTable.PK, item.get(AppTable.PK), AppTable.SK, item.get(AppTable.SK)))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#due", AppTable.DUE_PK, "#pk", AppTable.PK))
                        .expressionAttributeValues(values)))
                .then()
                // Deleted or settled meanwhile (a welcome sent after all): nothing left to park.
                .onErrorResume(ConditionalCheckFailedException.class, changed -> Mono.empty());
    }

    private static String name(Map<String, AttributeValue> item) {
        return item.get(AppTable.PK).s() + "/" + item.get(AppTable.SK).s();
    }
}
