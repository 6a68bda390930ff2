package dev.serverlessapp.scheduled;

import dev.serverlessapp.contract.Table;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test fixtures: items written the way user-api, email-worker and file-processor write them (the
 * table layout in README), and reads of what the job left behind.
 */
final class AppItems {

    private final DynamoDbClient dynamo;
    private final String table;

    AppItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A user as user-api stores it, filed under the hour it was created. */
    void user(String id, String name, Instant created) {
        put(Map.of(Table.PK, s("USER#" + id), Table.SK, s("PROFILE"),
                "id", s(id), "name", s(name), "email", s(id + "@example.com"), "created", s(created.toString()),
                Table.ACTIVITY_PK, s("CREATED#" + Table.hour(created)), Table.ACTIVITY_SK, s("USER#" + id)));
    }

    /** email-worker's record of a sent welcome. */
    void welcomeSent(String userId, Instant sentAt) {
        put(Map.of(Table.PK, s("USER#" + userId), Table.SK, s("WELCOME"),
                "status", s("COMPLETED"), "token", s("worker"), "welcome", s("SENT"), "sentAt", s(sentAt.toString()),
                Table.ACTIVITY_PK, s("WELCOME_SENT#" + Table.hour(sentAt)), Table.ACTIVITY_SK, s("USER#" + userId)));
    }

    /** email-worker's record of a welcome whose address the mail server refused for good. */
    void welcomeRejected(String userId, Instant rejectedAt) {
        put(Map.of(Table.PK, s("USER#" + userId), Table.SK, s("WELCOME"),
                "status", s("COMPLETED"), "token", s("worker"), "welcome", s("REJECTED"),
                "rejectedAt", s(rejectedAt.toString()), "rejection", s("550 no such user")));
    }

    /** The job's re-queue record of a user's welcome, as a run before left it, filed under {@code dueHour}. */
    void requeue(String userId, Instant requeuedAt, Instant dueHour) {
        put(Map.of(Table.PK, s("USER#" + userId), Table.SK, s("REQUEUE"),
                "requeuedAt", s(requeuedAt.toString()), "requeues", n(1),
                Table.DUE_PK, s("WELCOME_DUE#" + Table.hour(dueHour)), Table.DUE_SK, s("USER#" + userId)));
    }

    /** file-processor's record of a processed object version. */
    void fileProcessed(String bucket, String key, String version, Instant processedAt) {
        String file = "FILE#" + bucket + "/" + key;
        put(Map.of(Table.PK, s(file), Table.SK, s("VERSION#" + version),
                "outputKey", s("processed/" + key), "size", n(42), "sha256", s("0".repeat(64)),
                "contentType", s("text/plain"), "processedAt", s(processedAt.toString()),
                Table.ACTIVITY_PK, s("FILE_PROCESSED#" + Table.hour(processedAt)),
                Table.ACTIVITY_SK, s(file + "#" + version)));
    }

    void put(Map<String, AttributeValue> item) {
        dynamo.putItem(put -> put.tableName(table).item(item));
    }

    Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(Table.PK, s(pk), Table.SK, s(sk)))).item();
        return item == null ? Map.of() : item;
    }

    Map<String, AttributeValue> user(String id) {
        return get("USER#" + id, "PROFILE");
    }

    Map<String, AttributeValue> requeue(String userId) {
        return get("USER#" + userId, "REQUEUE");
    }

    /** The job's record that it parked the item {@code pk}/{@code sk} in {@code task}. */
    Map<String, AttributeValue> parked(String task, String pk, String sk) {
        return get("PARKED#" + task, pk + "/" + sk);
    }

    void delete(String pk, String sk) {
        dynamo.deleteItem(delete -> delete.tableName(table).key(Map.of(Table.PK, s(pk), Table.SK, s(sk))));
    }

    /** Forgets the job's progress, so a scenario starts like a fresh install at its own hour. */
    void resetJobCursor() {
        delete("JOB#hourly", "CURSOR");
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
