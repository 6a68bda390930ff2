package dev.serverlessapp.scheduled;

import dev.serverlessapp.support.table.AppTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test fixtures: items written the way user-api, email-worker and file-processor write them (the
 * table layout in CONTEXT and README), and reads of what the job left behind.
 */
final class AppItems {

    private final DynamoDbClient dynamo;
    private final String table;

    AppItems(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A user as user-api stores it; {@code welcomeDue} is null once email-worker has cleared the mark. */
    void user(String id, String name, Instant created, String welcome, Instant welcomeDue) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                AppTable.PK, s("USER#" + id), AppTable.SK, s("PROFILE"),
                "id", s(id), "name", s(name), "email", s(id + "@example.com"), "created", s(created.toString()),
                "welcome", s(welcome),
                AppTable.ACTIVITY_PK, s("CREATED#" + AppTable.hour(created)), AppTable.ACTIVITY_SK, s("USER#" + id)));
        if (welcomeDue != null) {
            item.put(AppTable.DUE_PK, s("WELCOME_DUE#" + AppTable.hourAtOrAfter(welcomeDue)));
            item.put(AppTable.DUE_SK, s("USER#" + id));
        }
        put(item);
    }

    /** email-worker's record of a sent welcome. */
    void welcomeSent(String userId, Instant sentAt) {
        put(Map.of(AppTable.PK, s("USER#" + userId), AppTable.SK, s("WELCOME"),
                "status", s("SENT"), "sentAt", s(sentAt.toString()),
                AppTable.ACTIVITY_PK, s("WELCOME_SENT#" + AppTable.hour(sentAt)), AppTable.ACTIVITY_SK, s("USER#" + userId)));
    }

    /** file-processor's record of a processed object version. */
    void fileProcessed(String bucket, String key, String version, Instant processedAt) {
        String file = "FILE#" + bucket + "/" + key;
        put(Map.of(AppTable.PK, s(file), AppTable.SK, s("VERSION#" + version),
                "outputKey", s("processed/" + key), "size", n(42), "sha256", s("0".repeat(64)),
                "contentType", s("text/plain"), "processedAt", s(processedAt.toString()),
                AppTable.ACTIVITY_PK, s("FILE_PROCESSED#" + AppTable.hour(processedAt)),
                AppTable.ACTIVITY_SK, s(file + "#" + version)));
    }

    void put(Map<String, AttributeValue> item) {
        dynamo.putItem(put -> put.tableName(table).item(item));
    }

    Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(AppTable.PK, s(pk), AppTable.SK, s(sk)))).item();
        return item == null ? Map.of() : item;
    }

    Map<String, AttributeValue> user(String id) {
        return get("USER#" + id, "PROFILE");
    }

    void delete(String pk, String sk) {
        dynamo.deleteItem(delete -> delete.tableName(table).key(Map.of(AppTable.PK, s(pk), AppTable.SK, s(sk))));
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
