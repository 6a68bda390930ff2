package dev.serverlessapp.email;

import dev.serverlessapp.support.idempotency.IdempotencyInProgressException;
import dev.serverlessapp.support.idempotency.IdempotencyStore;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.table.AppTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One welcome per user, whichever message asks for it: user-api and scheduled-tasks may both queue
 * one. The item {@code USER#<id>}/{@code WELCOME} is the business key:
 * <ul>
 *   <li>{@code SENDING} with a lease and a token: claimed by a conditional put. A holder that crashes
 *       before sending loses the claim when the lease lapses, and a redelivery takes it over; until
 *       then a redelivery gets 409, which Knative retries. A send that fails deletes the claim.</li>
 *   <li>{@code SENT}: filed under {@code WELCOME_SENT#<hour>} in the activity index; later welcomes
 *       for the user are not sent.</li>
 * </ul>
 * Then the user's pending-welcome mark is cleared. That is repeated whenever a welcome finds the item
 * {@code SENT}, so a crash between the two writes heals on the next message.
 */
public class WelcomeTable {

    private static final Logger log = LoggerFactory.getLogger(WelcomeTable.class);

    static final String WELCOME = "WELCOME";
    static final String PROFILE = "PROFILE";
    static final String SENDING = "SENDING";
    static final String SENT = "SENT";
    static final String REJECTED = "REJECTED";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration lease;
    private final Clock clock;

    public WelcomeTable(DynamoDbAsyncClient dynamo, String table, Duration lease, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.lease = lease;
        this.clock = clock;
    }

    /** Runs {@code send} unless this user's welcome was sent or is being sent; completes when it is sent. */
    public Mono<Void> sendOnce(String userId, Mono<Void> send) {
        String token = UUID.randomUUID().toString();
        return claim(userId, token).flatMap(claimed -> claimed
                ? send.onErrorResume(error -> release(userId, token)
                                .then(error instanceof PermanentFailure ? settle(userId, REJECTED) : Mono.empty())
                                .then(Mono.error(error)))
                        .then(markSent(userId))
                        .then(settle(userId, SENT))
                : alreadyClaimed(userId));
    }

    private Mono<Boolean> claim(String userId, String token) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = Map.of(
                AppTable.PK, s(userPk(userId)),
                AppTable.SK, s(WELCOME),
                "status", s(SENDING),
                "claimToken", s(token),
                "claimedAt", s(now.toString()),
                "leaseUntil", n(now.plus(lease).getEpochSecond()));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk) OR (#status = :sending AND leaseUntil < :now)")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":sending", s(SENDING), ":now", n(now.getEpochSecond())))))
                .thenReturn(true)
                .onErrorResume(ConditionalCheckFailedException.class, taken -> Mono.just(false));
    }

    /** Sent before: only make sure the pending mark is gone. Being sent: 409, so Knative asks again later. */
    private Mono<Void> alreadyClaimed(String userId) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).key(welcomeKey(userId)).consistentRead(true)))
                .flatMap(found -> {
                    AttributeValue status = found.hasItem() ? found.item().get("status") : null;
                    if (status != null && SENT.equals(status.s())) {
                        log.info("Welcome for user {} was already sent; not sending it again", userId);
                        return settle(userId, SENT);
                    }
                    return Mono.error(new IdempotencyInProgressException(IdempotencyStore.Key.of("welcome", userId, "")));
                });
    }

    private Mono<Void> markSent(String userId) {
        Instant now = clock.instant();
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table).key(welcomeKey(userId))
                        .updateExpression("SET #status = :sent, sentAt = :sentAt, #gsi1pk = :hour, #gsi1sk = :user"
                                + " REMOVE leaseUntil, claimToken")
                        .expressionAttributeNames(Map.of("#status", "status",
                                "#gsi1pk", AppTable.ACTIVITY_PK, "#gsi1sk", AppTable.ACTIVITY_SK))
                        .expressionAttributeValues(Map.of(":sent", s(SENT), ":sentAt", s(now.toString()),
                                ":hour", s("WELCOME_SENT#" + AppTable.hour(now)), ":user", s(userPk(userId))))))
                .then();
    }

    /**
     * Ends the user's pending welcome: {@code SENT}, or {@code REJECTED} when the mail server refused
     * the address for good (the hourly job would otherwise queue it again every hour, only to have it
     * dead-lettered each time). Removes the user from the due index, unless the user is gone.
     */
    private Mono<Void> settle(String userId, String outcome) {
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table)
                        .key(Map.of(AppTable.PK, s(userPk(userId)), AppTable.SK, s(PROFILE)))
                        .updateExpression("SET welcome = :outcome REMOVE #gsi2pk, #gsi2sk")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeNames(Map.of("#gsi2pk", AppTable.DUE_PK, "#gsi2sk", AppTable.DUE_SK))
                        .expressionAttributeValues(Map.of(":outcome", s(outcome)))))
                .then()
                // An update would create a stray user item; a missing user has no mark to clear.
                .onErrorResume(ConditionalCheckFailedException.class, missing -> {
                    log.info("Welcome for user {} {}, but there is no user item to mark", userId, outcome);
                    return Mono.empty();
                });
    }

    /** Deletes only this attempt's claim: after a lapsed lease the item may belong to another holder. */
    private Mono<Void> release(String userId, String token) {
        return Mono.fromFuture(() -> dynamo.deleteItem(delete -> delete.tableName(table).key(welcomeKey(userId))
                        .conditionExpression("#status = :sending AND claimToken = :token")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":sending", s(SENDING), ":token", s(token)))))
                .then()
                // If this fails too, the lease frees the claim; the caller sees the send's error.
                .onErrorResume(error -> {
                    log.warn("Welcome claim for user {} not released; it lapses with its lease: {}", userId, error.toString());
                    return Mono.empty();
                });
    }

    static String userPk(String userId) {
        return "USER#" + userId;
    }

    private static Map<String, AttributeValue> welcomeKey(String userId) {
        return Map.of(AppTable.PK, s(userPk(userId)), AppTable.SK, s(WELCOME));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
