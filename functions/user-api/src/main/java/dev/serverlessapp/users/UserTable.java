package dev.serverlessapp.users;

import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.support.table.AppTable;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Users in the app table. Email uniqueness holds without transactions (dynalite has no
 * TransactWriteItems): a sign-up first claims {@code EMAIL#<email>} with a conditional put, then
 * writes {@code USER#<id>}. A crash between the two leaves a claim without its user; the next
 * sign-up with that email takes the claim over once it is older than {@code claimRepairAfter}.
 */
@Component
public class UserTable {

    private static final Logger log = LoggerFactory.getLogger(UserTable.class);
    static final String PROFILE = "PROFILE";
    static final String CLAIM = "CLAIM";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration claimRepairAfter;

    public UserTable(DynamoDbAsyncClient dynamo, TableProperties table, UserApiProperties properties) {
        this.dynamo = dynamo;
        this.table = table.name();
        this.claimRepairAfter = properties.claimRepairAfter();
    }

    /** The email is taken by another user. */
    public static class EmailTakenException extends PermanentFailure {
        EmailTakenException() {
            super(HttpStatus.CONFLICT, "Email already registered", "A user with this email address already exists", null);
        }
    }

    public Mono<Void> claimEmail(String email, String userId, Instant now) {
        return putClaim(email, userId, now)
                .onErrorResume(ConditionalCheckFailedException.class, taken -> repairOrRefuse(email, userId, now));
    }

    private Mono<Void> putClaim(String email, String userId, Instant now) {
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table)
                        .item(Map.of(AppTable.PK, s(emailKey(email)), AppTable.SK, s(CLAIM),
                                "userId", s(userId), "claimedAt", s(now.toString())))
                        .conditionExpression("attribute_not_exists(pk)")))
                .then();
    }

    /** The claim exists: refuse, unless it is the trace of a crashed sign-up, which we take over. */
    private Mono<Void> repairOrRefuse(String email, String userId, Instant now) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                        .key(Map.of(AppTable.PK, s(emailKey(email)), AppTable.SK, s(CLAIM)))))
                .flatMap(found -> {
                    if (!found.hasItem() || found.item().isEmpty()) {
                        // Released by a sign-up that failed just now: one more try, then give up.
                        return putClaim(email, userId, now)
                                .onErrorMap(ConditionalCheckFailedException.class, e -> new EmailTakenException());
                    }
                    String holder = found.item().get("userId").s();
                    Instant claimedAt = Instant.parse(found.item().get("claimedAt").s());
                    if (claimedAt.isAfter(now.minus(claimRepairAfter))) {
                        return Mono.error(new EmailTakenException());
                    }
                    return find(holder, true)
                            .flatMap(existing -> Mono.<Void>error(new EmailTakenException()))
                            .switchIfEmpty(Mono.defer(() -> takeOver(email, holder, userId, now)));
                });
    }

    private Mono<Void> takeOver(String email, String orphanUserId, String userId, Instant now) {
        log.warn("Repairing email claim left without its user {} by an interrupted sign-up", orphanUserId);
        return Mono.fromFuture(() -> dynamo.updateItem(update -> update.tableName(table)
                        .key(Map.of(AppTable.PK, s(emailKey(email)), AppTable.SK, s(CLAIM)))
                        .updateExpression("SET userId = :new, claimedAt = :now")
                        .conditionExpression("userId = :old")
                        .expressionAttributeValues(Map.of(":new", s(userId), ":old", s(orphanUserId),
                                ":now", s(now.toString())))))
                .then()
                .onErrorMap(ConditionalCheckFailedException.class, e -> new EmailTakenException());
    }

    /** Gives up a claim after the user could not be written, so the email is free again at once. */
    public Mono<Void> releaseClaim(String email, String userId) {
        return Mono.fromFuture(() -> dynamo.deleteItem(delete -> delete.tableName(table)
                        .key(Map.of(AppTable.PK, s(emailKey(email)), AppTable.SK, s(CLAIM)))
                        .conditionExpression("userId = :mine")
                        .expressionAttributeValues(Map.of(":mine", s(userId)))))
                .then()
                // Left behind, the claim is repaired by the next sign-up after claimRepairAfter.
                .onErrorResume(error -> Mono.empty());
    }

    /**
     * Writes the user, marked as having a welcome pending until email-worker has sent it. The
     * indexes file it under the hour it was created (for the report) and the hour its welcome is
     * overdue (for the hourly job's retry).
     */
    public Mono<Void> put(User user, Instant welcomeDue) {
        Instant created = Instant.parse(user.created());
        Map<String, AttributeValue> item = Map.ofEntries(
                Map.entry(AppTable.PK, s(userKey(user.id()))),
                Map.entry(AppTable.SK, s(PROFILE)),
                Map.entry("id", s(user.id())),
                Map.entry("name", s(user.name())),
                Map.entry("email", s(user.email())),
                Map.entry("created", s(user.created())),
                Map.entry("welcome", s("PENDING")),
                Map.entry(AppTable.ACTIVITY_PK, s("CREATED#" + AppTable.hour(created))),
                Map.entry(AppTable.ACTIVITY_SK, s(userKey(user.id()))),
                Map.entry(AppTable.DUE_PK, s("WELCOME_DUE#" + AppTable.hourAtOrAfter(welcomeDue))),
                Map.entry(AppTable.DUE_SK, s(userKey(user.id()))));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk)")))
                .then();
    }

    public Mono<User> find(String id, boolean consistent) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).consistentRead(consistent)
                        .key(Map.of(AppTable.PK, s(userKey(id)), AppTable.SK, s(PROFILE)))))
                .filter(found -> found.hasItem() && !found.item().isEmpty())
                .map(found -> found.item())
                .map(item -> new User(item.get("id").s(), item.get("name").s(), item.get("email").s(),
                        item.get("created").s()));
    }

    static String userKey(String id) {
        return "USER#" + id;
    }

    static String emailKey(String email) {
        return "EMAIL#" + email;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
