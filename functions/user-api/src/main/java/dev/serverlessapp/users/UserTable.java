package dev.serverlessapp.users;

import dev.serverlessapp.support.claim.Claim;
import dev.serverlessapp.support.claim.ClaimHeldException;
import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.problem.PermanentFailure;
import dev.serverlessapp.contract.EmailClaimItem;
import dev.serverlessapp.contract.Table;
import dev.serverlessapp.contract.UserItem;
import dev.serverlessapp.support.table.TableProperties;
import java.time.Clock;
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
 * TransactWriteItems): a sign-up first claims {@code EMAIL#<email>} (function-support's claim
 * mechanism: a conditional put, with no lease), then writes {@code USER#<id>}, then marks the claim
 * completed. The claim records the user id it is for and its owner, the sign-up request (its
 * Idempotency-Key), so a retry of the same sign-up recognises a claim left by an attempt that never
 * stored its user, and stores that same user. Another sign-up takes over such a claim only once it is
 * older than {@code claimRepairAfter} and its user does not exist.
 */
@Component
public class UserTable {

    private static final Logger log = LoggerFactory.getLogger(UserTable.class);

    private final Claims claims;
    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Duration claimRepairAfter;
    private final Clock clock;

    public UserTable(Claims claims, DynamoDbAsyncClient dynamo, TableProperties table, UserApiProperties properties,
            Clock clock) {
        this.claims = claims;
        this.dynamo = dynamo;
        this.table = table.name();
        this.claimRepairAfter = properties.claimRepairAfter();
        this.clock = clock;
    }

    /** The email is taken by another user. */
    public static class EmailTakenException extends PermanentFailure {
        EmailTakenException() {
            super(HttpStatus.CONFLICT, "Email already registered", "A user with this email address already exists", null);
        }
    }

    /** Our claim on an email: the user it is for, new or the one an earlier attempt of this sign-up chose. */
    public record EmailClaim(Claim claim) {
        String userId() {
            return claim.string(EmailClaimItem.USER_ID);
        }

        String created() {
            return claim.string(EmailClaimItem.CREATED);
        }
    }

    /**
     * Claims the user's email for this sign-up ({@code owner}). Finds it claimed by the same sign-up
     * before (a retry after a timeout, a 503, a crash): that claim is ours, with the user it chose.
     */
    public Mono<EmailClaim> claimEmail(User user, String owner) {
        ClaimRequest request = ClaimRequest.of(EmailClaimItem.pk(user.email()), EmailClaimItem.SK).ownedBy(owner)
                .with(Map.of(EmailClaimItem.USER_ID, s(user.id()), EmailClaimItem.CREATED, s(user.created())));
        return claims.acquire(request).flatMap(attempt -> switch (attempt) {
            case Claims.Attempt.Acquired mine -> Mono.just(new EmailClaim(mine.claim()));
            case Claims.Attempt.Found found -> owner.equals(found.current().owner())
                    ? adopt(found.current())
                    : repairOrRefuse(found.current(), request);
        });
    }

    /**
     * An earlier attempt of this very sign-up claimed the email; maybe it stored the user, maybe not.
     * Keep its user id and time, under a fresh token, so a late write of that attempt cannot undo ours.
     */
    private Mono<EmailClaim> adopt(Claim earlier) {
        if (earlier.isCompleted()) {
            // It stored the user and was only not told: nothing is left to guard.
            return Mono.just(new EmailClaim(earlier));
        }
        ClaimRequest again = ClaimRequest.of(earlier.key().pk(), EmailClaimItem.SK).ownedBy(earlier.owner())
                .with(Map.of(EmailClaimItem.USER_ID, s(earlier.string(EmailClaimItem.USER_ID)),
                        EmailClaimItem.CREATED, s(earlier.string(EmailClaimItem.CREATED))));
        return claims.takeOver(earlier, again).flatMap(attempt -> switch (attempt) {
            case Claims.Attempt.Acquired mine -> Mono.just(new EmailClaim(mine.claim()));
            // Changed under us just now (another attempt of ours, or a repair): the retry sorts it out.
            case Claims.Attempt.Found changed -> Mono.error(new ClaimHeldException("This sign-up", Duration.ofSeconds(1)));
        });
    }

    /** Claimed by another sign-up: refuse, unless it is the trace of a sign-up that died, which we take over. */
    private Mono<EmailClaim> repairOrRefuse(Claim other, ClaimRequest request) {
        if (other.isCompleted() || other.claimedAt().isAfter(clock.instant().minus(claimRepairAfter))) {
            return Mono.error(new EmailTakenException());
        }
        return find(other.string(EmailClaimItem.USER_ID), true)
                .flatMap(existing -> Mono.<EmailClaim>error(new EmailTakenException()))
                .switchIfEmpty(Mono.defer(() -> {
                    log.warn("Repairing email claim left without its user {} by an interrupted sign-up",
                            other.string(EmailClaimItem.USER_ID));
                    return claims.takeOver(other, request).flatMap(attempt -> switch (attempt) {
                        case Claims.Attempt.Acquired mine -> Mono.just(new EmailClaim(mine.claim()));
                        case Claims.Attempt.Found changed -> Mono.error(new EmailTakenException());
                    });
                }));
    }

    /** The user is stored: the claim is completed, and stands for good. */
    public Mono<Void> confirmEmail(EmailClaim claim) {
        return claim.claim().isCompleted() ? Mono.empty() : claims.complete(claim.claim(), Map.of()).then();
    }

    /**
     * Writes the user, filed under the hour it was created in: the hourly report counts it there, and
     * the hourly job checks from there that its welcome went out. Written before by an earlier attempt of
     * the same sign-up (the id is that attempt's): then that item stands. Nothing else ever writes it.
     */
    public Mono<Void> put(User user) {
        Map<String, AttributeValue> item = Map.of(
                Table.PK, s(UserItem.pk(user.id())),
                Table.SK, s(UserItem.SK),
                UserItem.ID, s(user.id()),
                UserItem.NAME, s(user.name()),
                UserItem.EMAIL, s(user.email()),
                UserItem.CREATED, s(user.created()),
                Table.ACTIVITY_PK, s(UserItem.createdIn(Instant.parse(user.created()))),
                Table.ACTIVITY_SK, s(UserItem.pk(user.id())));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk)")))
                .then()
                .onErrorResume(ConditionalCheckFailedException.class, storedBefore -> Mono.empty());
    }

    public Mono<User> find(String id, boolean consistent) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).consistentRead(consistent)
                        .key(Map.of(Table.PK, s(UserItem.pk(id)), Table.SK, s(UserItem.SK)))))
                .filter(found -> found.hasItem() && !found.item().isEmpty())
                .map(found -> found.item())
                .map(item -> new User(item.get(UserItem.ID).s(), item.get(UserItem.NAME).s(),
                        item.get(UserItem.EMAIL).s(), item.get(UserItem.CREATED).s()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
