package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.BucketLayout;
import dev.serverlessapp.contract.CursorItem;
import dev.serverlessapp.contract.FileVersionItem;
import dev.serverlessapp.contract.ReportItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.contract.UserItem;
import dev.serverlessapp.contract.WelcomeItem;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes one report per finished hour to {@code reports/YYYY/MM/DD/HH.json}. The counts come from
 * the {@code activity} index, where every function files what it did under the hour it did it, so a
 * report reads that hour's keys and nothing else. A marker item {@code REPORT#<hour>}, written after
 * the upload, makes a second ping for the same hour a no-op.
 */
@Component
class HourlyReports implements HourlyTask {

    private static final Logger log = LoggerFactory.getLogger(HourlyReports.class);

    /** The report's JSON. The same hour always gives the same bytes, so an upload repeated after a crash is harmless. */
    record HourlyReport(String hour, Instant start, Instant end, long usersCreated, long welcomesSent,
            long filesProcessed) {
    }

    private final DynamoDbAsyncClient dynamo;
    private final S3AsyncClient s3;
    private final JsonMapper json;
    private final Clock clock;
    private final String table;
    private final String bucket;

    HourlyReports(DynamoDbAsyncClient dynamo, S3AsyncClient s3, JsonMapper json, Clock clock, TableProperties table,
            ReportProperties reports) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.json = json;
        this.clock = clock;
        this.table = table.name();
        this.bucket = reports.bucket();
    }

    @Override
    public String cursor() {
        return CursorItem.LAST_REPORTED_HOUR;
    }

    @Override
    public List<Instant> hours(Optional<Instant> lastDone, Instant now, int catchupHours) {
        return Hours.completed(lastDone, now, catchupHours);
    }

    @Override
    public Mono<Void> run(Instant hour, Instant now) {
        return isWritten(hour).flatMap(written -> written ? Mono.empty() : write(hour));
    }

    static String key(Instant hour) {
        return BucketLayout.report(hour);
    }

    private Mono<Void> write(Instant hour) {
        String key = key(hour);
        return count(hour)
                .flatMap(report -> upload(key, report).thenReturn(report))
                .flatMap(report -> mark(hour, key)
                        .doOnSuccess(done -> log.info("Wrote {}: {} users created, {} welcomes sent, {} files processed",
                                key, report.usersCreated(), report.welcomesSent(), report.filesProcessed())));
    }

    private Mono<HourlyReport> count(Instant hour) {
        String h = Table.hour(hour);
        return Mono.zip(count(UserItem.createdIn(hour)), count(WelcomeItem.sentIn(hour)),
                        count(FileVersionItem.processedIn(hour)))
                .map(counts -> new HourlyReport(h, hour, hour.plus(Hours.HOUR),
                        counts.getT1(), counts.getT2(), counts.getT3()));
    }

    /** Counts one hour's keys in the activity index; a page holds at most 1 MB, so the count is summed over pages. */
    private Mono<Long> count(String activity) {
        return Flux.from(dynamo.queryPaginator(query -> query.tableName(table)
                        .indexName(Table.ACTIVITY_INDEX)
                        .keyConditionExpression("#activity = :hour")
                        .expressionAttributeNames(Map.of("#activity", Table.ACTIVITY_PK))
                        .expressionAttributeValues(Map.of(":hour", AttributeValue.fromS(activity)))
                        .select(Select.COUNT)))
                .map(QueryResponse::count)
                .reduce(0L, Long::sum);
    }

    private Mono<Void> upload(String key, HourlyReport report) {
        byte[] body = json.writeValueAsBytes(report);
        return Mono.fromFuture(() -> s3.putObject(put -> put.bucket(bucket).key(key).contentType("application/json"),
                        AsyncRequestBody.fromBytes(body)))
                .then();
    }

    private Mono<Boolean> isWritten(Instant hour) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(marker(hour)).consistentRead(true)))
                .map(found -> found.hasItem() && !found.item().isEmpty());
    }

    private Mono<Void> mark(Instant hour, String key) {
        Map<String, AttributeValue> item = new HashMap<>(marker(hour));
        item.put(ReportItem.S3_KEY, AttributeValue.fromS(key));
        item.put(ReportItem.WRITTEN_AT, AttributeValue.fromS(clock.instant().toString()));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Table.PK))))
                .then()
                // A concurrent run wrote the same report first; its marker stands.
                .onErrorResume(ConditionalCheckFailedException.class, first -> Mono.empty());
    }

    private static Map<String, AttributeValue> marker(Instant hour) {
        return Map.of(Table.PK, AttributeValue.fromS(ReportItem.pk(hour)), Table.SK, AttributeValue.fromS(ReportItem.SK));
    }
}
