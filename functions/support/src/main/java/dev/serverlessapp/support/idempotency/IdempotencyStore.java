package dev.serverlessapp.support.idempotency;

import dev.serverlessapp.support.table.AppTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Gives an action its effect once per key, in the manner of Powertools' idempotency utility: a
 * conditional put claims the key, the result is stored when the action succeeds, and a repeat gets
 * the stored result. A claim whose holder crashed lapses after the lease; records expire after
 * {@code keepFor} (the table's TTL, and the hourly clean-up, remove them).
 */
public class IdempotencyStore {

    static final String SK = "IDEMPOTENCY";
    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration lease;
    private final Clock clock;

    public IdempotencyStore(DynamoDbAsyncClient dynamo, String table, Duration lease, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * What identifies a request: a scope (so event ids and HTTP keys never collide), the key itself,
     * and a fingerprint of the payload, so that a key reused for a different payload is refused.
     */
    public record Key(String scope, String value, String fingerprint) {
        public static Key of(String scope, String value, String fingerprint) {
            return new Key(scope, value, fingerprint);
        }

        String partitionKey() {
            return "IDEMPOTENCY#" + sha256(scope + "\n" + value);
        }
    }

    /** Runs the action unless the key has been seen; then answers what the first run answered. */
    public Mono<String> once(Key key, Duration keepFor, Supplier<Mono<String>> action) {
        String pk = key.partitionKey();
        return claim(pk, key, keepFor).flatMap(claimed -> claimed
                ? Mono.defer(action).flatMap(result -> complete(pk, result))
                        .onErrorResume(error -> release(pk).then(Mono.error(error)))
                : replay(pk, key));
    }

    private Mono<Boolean> claim(String pk, Key key, Duration keepFor) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(keepFor);
        Map<String, AttributeValue> item = Map.of(
                AppTable.PK, s(pk),
                AppTable.SK, s(SK),
                "scope", s(key.scope()),
                "key", s(key.value()),
                "fingerprint", s(key.fingerprint()),
                "status", s(IN_PROGRESS),
                "leaseUntil", n(now.plus(lease).getEpochSecond()),
                AppTable.EXPIRES_AT, n(expiresAt.getEpochSecond()),
                AppTable.DUE_PK, s("EXPIRES#" + AppTable.hourAtOrAfter(expiresAt)),
                AppTable.DUE_SK, s(pk));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now"
                                + " OR (#status = :inProgress AND leaseUntil < :now)")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":inProgress", s(IN_PROGRESS)))))
                .thenReturn(true)
                .onErrorResume(ConditionalCheckFailedException.class, taken -> Mono.just(false));
    }

    private Mono<String> complete(String pk, String result) {
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table).key(key(pk))
                        .updateExpression("SET #status = :completed, #result = :result REMOVE leaseUntil")
                        .expressionAttributeNames(Map.of("#status", "status", "#result", "result"))
                        .expressionAttributeValues(Map.of(":completed", s(COMPLETED), ":result", s(result)))))
                .thenReturn(result);
    }

    /** Frees the key after a failed run, so a retry can run the action again. */
    private Mono<Void> release(String pk) {
        return Mono.fromFuture(() -> dynamo.deleteItem(delete -> delete.tableName(table).key(key(pk))
                        .conditionExpression("#status = :inProgress")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS)))))
                .then()
                // The lease lets the key lapse if this clean-up fails; the caller sees the first error.
                .onErrorResume(ignored -> Mono.empty());
    }

    private Mono<String> replay(String pk, Key key) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(key(pk)).consistentRead(true)))
                .flatMap(found -> {
                    Map<String, AttributeValue> item = found.item();
                    if (item == null || item.isEmpty()) {
                        return Mono.error(new IdempotencyInProgressException(key));
                    }
                    if (!key.fingerprint().equals(item.get("fingerprint").s())) {
                        return Mono.error(new IdempotencyKeyReusedException(key));
                    }
                    if (COMPLETED.equals(item.get("status").s())) {
                        return Mono.just(item.get("result").s());
                    }
                    return Mono.error(new IdempotencyInProgressException(key));
                });
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(AppTable.PK, s(pk), AppTable.SK, s(SK));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
