package dev.serverlessapp.email;

import dev.serverlessapp.support.table.AppTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The items of the app table a scenario sets up or checks, written as user-api writes them. */
record AppTableItems(DynamoDbClient dynamo, String table) {

    /** A user as user-api leaves it: welcome PENDING, filed in the due index for the re-queue job. */
    void putPendingUser(String userId, String name, String email) {
        Instant created = Instant.now();
        dynamo.putItem(put -> put.tableName(table).item(Map.ofEntries(
                Map.entry("pk", s("USER#" + userId)), Map.entry("sk", s("PROFILE")),
                Map.entry("id", s(userId)), Map.entry("name", s(name)), Map.entry("email", s(email)),
                Map.entry("created", s(created.toString())), Map.entry("welcome", s("PENDING")),
                Map.entry(AppTable.ACTIVITY_PK, s("CREATED#" + AppTable.hour(created))),
                Map.entry(AppTable.ACTIVITY_SK, s("USER#" + userId)),
                Map.entry(AppTable.DUE_PK, s("WELCOME_DUE#" + AppTable.hourAtOrAfter(created.plusSeconds(900)))),
                Map.entry(AppTable.DUE_SK, s("USER#" + userId)))));
    }

    /** A user id user-api retired when it repaired an interrupted sign-up: no user, filed to expire. */
    Map<String, AttributeValue> putRetiredUserId(String userId) {
        Instant expires = Instant.now().plusSeconds(86_400);
        Map<String, AttributeValue> marker = Map.of("pk", s("USER#" + userId), "sk", s("PROFILE"),
                "retiredAt", s(Instant.now().toString()), AppTable.EXPIRES_AT, n(expires.getEpochSecond()),
                AppTable.DUE_PK, s("EXPIRES#" + AppTable.hourAtOrAfter(expires)), AppTable.DUE_SK, s("USER#" + userId));
        dynamo.putItem(put -> put.tableName(table).item(marker));
        return marker;
    }

    void putWelcome(String userId, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("pk", s("USER#" + userId));
        item.put("sk", s("WELCOME"));
        dynamo.putItem(put -> put.tableName(table).item(item));
    }

    Map<String, AttributeValue> user(String userId) {
        return get("USER#" + userId, "PROFILE");
    }

    Map<String, AttributeValue> welcome(String userId) {
        return get("USER#" + userId, "WELCOME");
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        return dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(pk), "sk", s(sk)))).item();
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
