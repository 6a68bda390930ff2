package dev.serverlessapp.email;

import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.table.AppTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One welcome per user, whichever message asks for it: user-api and scheduled-tasks may both queue
 * one. The item {@code USER#<id>}/{@code WELCOME} is a permanent claim (function-support's claim
 * mechanism) and the business key:
 * <ul>
 *   <li>{@code IN_PROGRESS}: a worker is sending it, renewing a short lease meanwhile. Another message
 *       for the user waits for the send; if the worker died, its lease lapses within seconds and the
 *       message takes the claim over. A send that fails releases the claim.</li>
 *   <li>{@code COMPLETED}: sent ({@code sentAt}), filed under {@code WELCOME_SENT#<hour>} in the activity
 *       index; later welcomes for the user are not sent.</li>
 * </ul>
 * Then the user's pending-welcome mark is cleared. That is repeated whenever a welcome finds the item
 * completed, so a crash between the two writes heals on the next message.
 */
public class WelcomeTable {

    private static final Logger log = LoggerFactory.getLogger(WelcomeTable.class);

    static final String WELCOME = "WELCOME";
    static final String PROFILE = "PROFILE";
    static final String SENT = "SENT";
    static final String REJECTED = "REJECTED";

    private final Claims claims;
    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration lease;
    private final Clock clock;

    public WelcomeTable(Claims claims, DynamoDbAsyncClient dynamo, String table, Duration lease, Clock clock) {
        this.claims = claims;
        this.dynamo = dynamo;
        this.table = table;
        this.lease = lease;
        this.clock = clock;
    }

    /** Runs {@code send} unless this user's welcome was sent; completes once it is sent, by us or before. */
    public Mono<Void> sendOnce(String userId, Mono<Void> send) {
        ClaimRequest welcome = ClaimRequest.of(userPk(userId), WELCOME).leasedFor(lease);
        AtomicBoolean sentNow = new AtomicBoolean();
        return claims.once(welcome, found -> { }, mine -> send.then(Mono.fromSupplier(() -> {
                    sentNow.set(true);
                    return sent(userId);
                })))
                .doOnNext(done -> {
                    if (!sentNow.get()) {
                        log.info("Welcome for user {} was already sent; not sending it again", userId);
                    }
                })
                .onErrorResume(PermanentFailure.class, refused -> settle(userId, REJECTED).then(Mono.error(refused)))
                .then(Mono.defer(() -> settle(userId, SENT)));
    }

    /** What the completed claim records: when it was sent, filed under that hour for the report. */
    private Map<String, AttributeValue> sent(String userId) {
        Instant now = clock.instant();
        return Map.of("sentAt", s(now.toString()),
                AppTable.ACTIVITY_PK, s("WELCOME_SENT#" + AppTable.hour(now)),
                AppTable.ACTIVITY_SK, s(userPk(userId)));
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
                        .conditionExpression("attribute_exists(email)")
                        .expressionAttributeNames(Map.of("#gsi2pk", AppTable.DUE_PK, "#gsi2sk", AppTable.DUE_SK))
                        .expressionAttributeValues(Map.of(":outcome", s(outcome)))))
                .then()
                // An update would create a stray user item; a missing user has no mark to clear. Nor
                // has a retired user id (user-api's marker, no email): it must stay filed to expire.
                .onErrorResume(ConditionalCheckFailedException.class, missing -> {
                    log.info("Welcome for user {} {}, but there is no user item to mark", userId, outcome);
                    return Mono.empty();
                });
    }

    static String userPk(String userId) {
        return "USER#" + userId;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
