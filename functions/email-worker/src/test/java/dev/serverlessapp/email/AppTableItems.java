package dev.serverlessapp.email;

import dev.serverlessapp.contract.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The items of the app table a scenario sets up or checks, written as user-api writes them. */
record AppTableItems(DynamoDbClient dynamo, String table) {

    /** A user as user-api stores it; its welcome is pending until email-worker settles it. */
    Map<String, AttributeValue> putUser(String userId, String name, String email) {
        Instant created = Instant.now();
        Map<String, AttributeValue> user = Map.of(
                "pk", s("USER#" + userId), "sk", s("PROFILE"),
                "id", s(userId), "name", s(name), "email", s(email), "created", s(created.toString()),
                Table.ACTIVITY_PK, s("CREATED#" + Table.hour(created)), Table.ACTIVITY_SK, s("USER#" + userId));
        dynamo.putItem(put -> put.tableName(table).item(user));
        return user;
    }

    /** A user id user-api retired when it repaired an interrupted sign-up: no user, filed to expire. */
    Map<String, AttributeValue> putRetiredUserId(String userId) {
        Instant expires = Instant.now().plusSeconds(86_400);
        Map<String, AttributeValue> marker = Map.of("pk", s("USER#" + userId), "sk", s("PROFILE"),
                "retiredAt", s(Instant.now().toString()), Table.EXPIRES_AT, n(expires.getEpochSecond()),
                Table.DUE_PK, s(Table.expiringBy(expires)), Table.DUE_SK, s("USER#" + userId));
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
