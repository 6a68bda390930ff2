package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.ParkedItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.support.table.TableProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One bad item must never fail the hourly run: a run that fails is retried, fails again, and holds back
 * every later hour of its task for everyone (issue 11). So each item's work runs isolated: when it fails
 * with a {@link BadItem}, the item is parked and the run goes on. Parking
 * <ul>
 *   <li>logs a WARN naming the item and the reason;</li>
 *   <li>counts it in {@value #METRIC} (Prometheus {@code hourly_items_failed_total{task,reason}});</li>
 *   <li>writes {@code PARKED#<task>}/{@code <pk>/<sk>} ({@link ParkedItem}) with {@code parkedReason} and
 *       {@code parkedAt}, where an operator lists the parked items with one query (README, "A bad item is
 *       parked"). The bad item itself is left as it was: it is filed under an hour the run is passing,
 *       which no later run reads again.</li>
 * </ul>
 * Any other failure is a backend's, and fails the run as before (5xx: Knative retries the ping).
 */
@Component
class ParkedItems {

    static final String METRIC = "hourly.items.failed";

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

    /** Runs {@code work} for the item; if the item is bad, parks it and completes empty. */
    <T> Mono<T> isolate(String task, Map<String, AttributeValue> item, Supplier<Mono<T>> work) {
        return Mono.defer(work).onErrorResume(error -> BadItem.of(error).isPresent(), error -> {
            BadItem bad = BadItem.of(error).orElseThrow();
            String name = ParkedItem.sk(item.get(Table.PK).s(), item.get(Table.SK).s());
            log.warn("Parked {} in the hourly {} task: {}. Later runs leave it alone; README says how to retry it",
                    name, task, bad.getMessage());
            meters.counter(METRIC, "task", task, "reason", bad.reason()).increment();
            return park(task, name, bad)
                    .onErrorResume(parkFailed -> BadItem.of(parkFailed).isPresent(), parkFailed -> {
                        // Not even the record could be written: the run still goes on; the log and the metric have it.
                        log.warn("Could not record {} as parked: {}", name, parkFailed.toString());
                        return Mono.empty();
                    })
                    .then(Mono.empty());
        });
    }

    private Mono<Void> park(String task, String name, BadItem bad) {
        Map<String, AttributeValue> record = Map.of(
                Table.PK, AttributeValue.fromS(ParkedItem.pk(task)),
                Table.SK, AttributeValue.fromS(name),
                ParkedItem.REASON, AttributeValue.fromS(bad.getMessage()),
                ParkedItem.PARKED_AT, AttributeValue.fromS(clock.instant().toString()));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(record))).then();
    }
}
