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
import java.util.Objects;
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
 * older than {@code claimRepairAfter} and its user does not exist; it first retires that user id (a
 * marker item in the user's place), so that a write of the interrupted sign-up still on its way can
 * never land next to the new user.
 */
@Component
public class UserTable {

    private static final Logger log = LoggerFactory.getLogger(UserTable.class);
    /**
     * How long a retired id stays fenced: far longer than a write can be on its way (DynamoDB refuses a
     * signed request 15 minutes after it was signed); then the hourly clean-up deletes the marker.
     */
    static final Duration RETIRED_FOR = Duration.ofDays(1);

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

    /**
     * The user id this sign-up's claim names was retired by another sign-up's repair while this one
     * stalled: its user can never be stored under it.
     */
    static class UserIdRetiredException extends RuntimeException {
        UserIdRetiredException(String userId) {
            super("User id " + userId + " was retired by a repair of its email claim");
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
        return takeOverAs(earlier, earlier.string(EmailClaimItem.USER_ID), earlier.string(EmailClaimItem.CREATED));
    }

    /**
     * Our claim names a user id that a repair retired (see {@link #retire}): if the claim is still ours,
     * the sign-up goes on under a new user id; if the repair took it over, the email is another
     * sign-up's now.
     */
    public Mono<EmailClaim> reissue(EmailClaim retired, String userId, String created) {
        return takeOverAs(retired.claim(), userId, created);
    }

    /** Our claim again, for {@code userId}, under a fresh token: a late write of an earlier holding cannot undo it. */
    private Mono<EmailClaim> takeOverAs(Claim ours, String userId, String created) {
        ClaimRequest again = ClaimRequest.of(ours.key().pk(), EmailClaimItem.SK).ownedBy(ours.owner())
                .with(Map.of(EmailClaimItem.USER_ID, s(userId), EmailClaimItem.CREATED, s(created)));
        return claims.takeOver(ours, again).flatMap(attempt -> switch (attempt) {
            case Claims.Attempt.Acquired mine -> Mono.just(new EmailClaim(mine.claim()));
            // Changed under us just now by another attempt of ours: the retry sorts it out.
            case Claims.Attempt.Found changed when Objects.equals(ours.owner(), changed.current().owner()) ->
                    Mono.error(new ClaimHeldException("This sign-up", Duration.ofSeconds(1)));
            // Taken over by a repair: another sign-up has the email now.
            case Claims.Attempt.Found changed -> Mono.error(new EmailTakenException());
        });
    }

    /** Claimed by another sign-up: refuse, unless it is the trace of a sign-up that died, which we take over. */
    private Mono<EmailClaim> repairOrRefuse(Claim other, ClaimRequest request) {
        if (other.isCompleted() || other.claimedAt().isAfter(clock.instant().minus(claimRepairAfter))) {
            return Mono.error(new EmailTakenException());
        }
        String interrupted = other.string(EmailClaimItem.USER_ID);
        // Its user write may still be on its way (a stalled call lands late): retire the id first, so
        // that write can never land next to our user; an id whose user exists was no trace after all.
        return retire(interrupted).flatMap(retired -> {
            if (!retired) {
                return Mono.error(new EmailTakenException());
            }
            log.warn("Repairing email claim left without its user {} by an interrupted sign-up", interrupted);
            return claims.takeOver(other, request).flatMap(attempt -> switch (attempt) {
                case Claims.Attempt.Acquired mine -> Mono.just(new EmailClaim(mine.claim()));
                case Claims.Attempt.Found changed -> Mono.error(new EmailTakenException());
            });
        });
    }

    /**
     * Fences a user id: a marker takes the user item's place (conditional on it being free), so the
     * user's own conditional write is refused from now on. True once the id can never be stored (now,
     * or by an earlier repair); false if its user exists.
     */
    Mono<Boolean> retire(String userId) {
        Instant now = clock.instant();
        Instant expires = now.plus(RETIRED_FOR);
        Map<String, AttributeValue> marker = Map.of(
                Table.PK, s(UserItem.pk(userId)),
                Table.SK, s(UserItem.SK),
                UserItem.RETIRED_AT, s(now.toString()),
                Table.EXPIRES_AT, AttributeValue.fromN(Long.toString(expires.getEpochSecond())),
                Table.DUE_PK, s(Table.expiringBy(expires)),
                Table.DUE_SK, s(UserItem.pk(userId)));
        return Mono.fromFuture(() -> dynamo.putItem(put -> put.tableName(table).item(marker)
                        .conditionExpression("attribute_not_exists(pk)")))
                .thenReturn(true)
                .onErrorResume(ConditionalCheckFailedException.class, taken -> find(userId, true)
                        .map(user -> false)
                        .defaultIfEmpty(true));
    }

    /** The user is stored: the claim is completed, and stands for good. */
    public Mono<Void> confirmEmail(EmailClaim claim) {
        return claim.claim().isCompleted() ? Mono.empty() : claims.complete(claim.claim(), Map.of()).then();
    }

    /**
     * Writes the user, filed under the hour it was created in: the hourly report counts it there, and
     * the hourly job checks from there that its welcome went out. Written before by an earlier attempt of
     * the same sign-up (the id is that attempt's): then that item stands. Nothing else ever writes it.
     * Retired by a repair: {@link UserIdRetiredException}.
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
                .onErrorResume(ConditionalCheckFailedException.class, taken -> find(user.id(), true)
                        .switchIfEmpty(Mono.error(() -> new UserIdRetiredException(user.id())))
                        .then());
    }

    public Mono<User> find(String id, boolean consistent) {
        return Mono.fromFuture(() -> dynamo.getItem(get -> get.tableName(table).consistentRead(consistent)
                        .key(Map.of(Table.PK, s(UserItem.pk(id)), Table.SK, s(UserItem.SK)))))
                .filter(found -> found.hasItem() && !found.item().isEmpty()
                        && !found.item().containsKey(UserItem.RETIRED_AT))
                .map(found -> found.item())
                .map(item -> new User(item.get(UserItem.ID).s(), item.get(UserItem.NAME).s(),
                        item.get(UserItem.EMAIL).s(), item.get(UserItem.CREATED).s()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
