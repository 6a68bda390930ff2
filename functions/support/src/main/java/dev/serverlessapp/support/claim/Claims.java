package dev.serverlessapp.support.claim;

import static dev.serverlessapp.support.claim.Claim.CLAIMED_AT;
import static dev.serverlessapp.support.claim.Claim.LEASE_UNTIL;
import static dev.serverlessapp.support.claim.Claim.OWNER;
import static dev.serverlessapp.support.claim.Claim.STATUS;
import static dev.serverlessapp.support.claim.Claim.TOKEN;

import dev.serverlessapp.contract.ClaimStatus;
import dev.serverlessapp.contract.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The one claim mechanism: single-item conditional writes on the app table, which DynamoDB (and
 * dynalite) guarantee without transactions. A claim is taken with a conditional put that succeeds
 * only if the key is free, expired, or held by a holder whose lease lapsed. Each holding gets a
 * random token, and every later write of the holder (renew, complete, release) is conditional on
 * it: a slow first holder whose lease lapsed can never delete or overwrite a second holder's claim.
 * {@link #once} builds "do this once per key" on these writes.
 */
public class Claims {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Clock clock;
    private final Once once;

    public Claims(DynamoDbAsyncClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.once = new Once(this);
    }

    /**
     * Does {@code work} once per key. The first caller claims the key and does the work, renewing its
     * lease meanwhile; a caller that comes later gets the completed claim, waiting (at most one lease)
     * if it is in progress, or takes over the claim of a holder that died. See {@link Once}.
     *
     * @param checkFound sees a claim made by someone else first; throws to refuse it (a key reused)
     * @param work       its result attributes complete the claim; empty: nothing to keep, the claim is
     *                   released; an error: the claim is released and the error passed on
     * @return the completed claim, ours or the first holder's; empty if the work had nothing to keep
     */
    public Mono<Claim> once(ClaimRequest request, Consumer<Claim> checkFound,
            Function<Claim, Mono<Map<String, AttributeValue>>> work) {
        return once.run(request, checkFound, work);
    }

    /** What came of a claim: it is ours now, or here is the item that stands in the way. */
    public sealed interface Attempt {
        record Acquired(Claim claim) implements Attempt {
        }

        record Found(Claim current) implements Attempt {
        }
    }

    /** Claims the key if it is free, expired, or in progress under a lapsed lease. */
    public Mono<Attempt> acquire(ClaimRequest request) {
        Instant now = clock.instant();
        return put(request, now, "attribute_not_exists(pk) OR #expiresAt < :nowSeconds"
                        + " OR (#status = :inProgress AND #leaseUntil < :nowMillis)",
                Map.of(":nowSeconds", n(now.getEpochSecond()), ":nowMillis", n(now.toEpochMilli()),
                        ":inProgress", s(ClaimStatus.IN_PROGRESS.name())));
    }

    /**
     * Replaces {@code current} with a claim of our own, whatever its state, provided nobody changed it
     * since it was read: for a request that finds its own earlier claim, or a repair.
     */
    public Mono<Attempt> takeOver(Claim current, ClaimRequest request) {
        return put(request, clock.instant(), "#token = :token", Map.of(":token", s(current.token())));
    }

    private Mono<Attempt> put(ClaimRequest request, Instant now, String condition, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> item = item(request, now);
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names(condition))
                        .expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .<Attempt>thenReturn(new Attempt.Acquired(Claim.of(item)))
                .onErrorResume(ConditionalCheckFailedException.class, taken -> found(request, taken));
    }

    /**
     * DynamoDB hands back the item that failed the condition; dynalite does not, so only then is it
     * read. An item deleted in between (released just now) is claimed again.
     */
    private Mono<Attempt> found(ClaimRequest request, ConditionalCheckFailedException taken) {
        if (taken.hasItem() && !taken.item().isEmpty()) {
            return Mono.just(new Attempt.Found(Claim.of(taken.item())));
        }
        return read(request.key()).flatMap(current -> current
                .<Mono<Attempt>>map(claim -> Mono.just(new Attempt.Found(claim)))
                .orElseGet(() -> acquire(request)));
    }

    public Mono<Optional<Claim>> read(Claim.Key key) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(key.asItemKey()).consistentRead(true)))
                .map(found -> found.hasItem() && !found.item().isEmpty() ? Optional.of(Claim.of(found.item())) : Optional.empty());
    }

    /** Moves a held claim's lease on; fails with {@link ClaimLostException} if it is no longer ours. */
    public Mono<Void> renew(Claim mine, Duration lease) {
        Instant until = clock.instant().plus(lease);
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table).key(mine.key().asItemKey())
                        .updateExpression("SET #leaseUntil = :until")
                        .conditionExpression("#token = :token AND #status = :inProgress")
                        .expressionAttributeNames(Map.of("#leaseUntil", LEASE_UNTIL, "#token", TOKEN, "#status", STATUS))
                        .expressionAttributeValues(Map.of(":until", n(until.toEpochMilli()), ":token", s(mine.token()),
                                ":inProgress", s(ClaimStatus.IN_PROGRESS.name())))))
                .then()
                .onErrorMap(ConditionalCheckFailedException.class, lost -> new ClaimLostException());
    }

    /**
     * Marks our claim done and sets the item's result attributes (e.g. a stored answer, or an index key).
     * Answers the item as it is now; fails with {@link ClaimLostException} if the claim is no longer ours.
     */
    public Mono<Claim> complete(Claim mine, Map<String, AttributeValue> result) {
        Map<String, String> names = new HashMap<>(Map.of("#status", STATUS, "#token", TOKEN, "#leaseUntil", LEASE_UNTIL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":completed", s(ClaimStatus.COMPLETED.name()),
                ":token", s(mine.token()), ":inProgress", s(ClaimStatus.IN_PROGRESS.name())));
        StringBuilder set = new StringBuilder("SET #status = :completed");
        int i = 0;
        for (var attribute : result.entrySet()) {
            names.put("#a" + i, attribute.getKey());
            values.put(":a" + i, attribute.getValue());
            set.append(", #a").append(i).append(" = :a").append(i);
            i++;
        }
        // The token stays: it names the holding that completed the work.
        String expression = set + " REMOVE #leaseUntil";
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table).key(mine.key().asItemKey())
                        .updateExpression(expression)
                        .conditionExpression("#token = :token AND #status = :inProgress")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_NEW)))
                .map(updated -> Claim.of(updated.attributes()))
                .onErrorMap(ConditionalCheckFailedException.class, lost -> new ClaimLostException());
    }

    /**
     * Gives up our claim after failed work, so a retry can do it at once. Only our own, in progress:
     * after a lapsed lease the item may belong to someone else. If this fails too, the lease frees it.
     */
    public Mono<Void> release(Claim mine) {
        return Mono.fromFuture(() -> dynamo.deleteItem(delete -> delete.tableName(table).key(mine.key().asItemKey())
                        .conditionExpression("#token = :token AND #status = :inProgress")
                        .expressionAttributeNames(Map.of("#token", TOKEN, "#status", STATUS))
                        .expressionAttributeValues(Map.of(":token", s(mine.token()),
                                ":inProgress", s(ClaimStatus.IN_PROGRESS.name())))))
                .then()
                .onErrorResume(error -> {
                    log.info("Claim {} not released ({}); {}", mine.key(), error,
                            mine.leaseUntil() == null ? "a retry finds it as it is" : "it lapses with its lease");
                    return Mono.empty();
                });
    }

    Instant now() {
        return clock.instant();
    }

    private static Map<String, AttributeValue> item(ClaimRequest request, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(request.attributes());
        item.putAll(request.key().asItemKey());
        item.put(STATUS, s(ClaimStatus.IN_PROGRESS.name()));
        item.put(TOKEN, s(UUID.randomUUID().toString()));
        item.put(CLAIMED_AT, s(now.toString()));
        if (request.owner() != null) {
            item.put(OWNER, s(request.owner()));
        }
        if (request.lease() != null) {
            item.put(LEASE_UNTIL, n(now.plus(request.lease()).toEpochMilli()));
        }
        if (request.keepFor() != null) {
            Instant expiresAt = now.plus(request.keepFor());
            item.put(Table.EXPIRES_AT, n(expiresAt.getEpochSecond()));
            item.put(Table.DUE_PK, s(Table.expiringBy(expiresAt)));
            item.put(Table.DUE_SK, s(request.key().pk()));
        }
        return item;
    }

    /** The attribute names a condition uses, all through placeholders (status is a reserved word). */
    private static Map<String, String> names(String condition) {
        Map<String, String> names = new HashMap<>();
        for (String name : new String[] {STATUS, TOKEN, LEASE_UNTIL, Table.EXPIRES_AT}) {
            if (condition.contains("#" + name)) {
                names.put("#" + name, name);
            }
        }
        return names;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
