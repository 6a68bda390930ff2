package dev.serverlessapp.email;

import dev.serverlessapp.contract.Table;
import dev.serverlessapp.contract.UserItem;
import dev.serverlessapp.contract.WelcomeItem;
import dev.serverlessapp.support.claim.Claim;
import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import dev.serverlessapp.support.problem.PermanentFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One welcome per user, whichever message asks for it: user-api and scheduled-tasks may both queue
 * one. The item {@code USER#<id>}/{@code WELCOME} ({@link WelcomeItem}), which only this class writes,
 * is a permanent claim (function-support's claim mechanism), the business key, and the welcome's
 * outcome:
 * <ul>
 *   <li>{@code IN_PROGRESS}: a worker is sending it, renewing a short lease meanwhile. Another message
 *       for the user waits for the send; if the worker died, its lease lapses within seconds and the
 *       message takes the claim over. A send that fails for now (5xx) releases the claim.</li>
 *   <li>{@code COMPLETED}, {@code SENT}: sent ({@code sentAt}), filed under {@code WELCOME_SENT#<hour>} in
 *       the activity index; later welcomes for the user are not sent.</li>
 *   <li>{@code COMPLETED}, {@code REJECTED}: the mail server or SES refused the address for good; this
 *       message and later ones for the user are answered 422 (dead-lettered) without a send.</li>
 * </ul>
 * Settled either way, the welcome is not queued again by the hourly job, which reads this item.
 */
public class WelcomeTable {

    private static final Logger log = LoggerFactory.getLogger(WelcomeTable.class);
    private static final int MAX_REJECTION_LENGTH = 500;

    private final Claims claims;
    private final Duration lease;
    private final Clock clock;

    public WelcomeTable(Claims claims, Duration lease, Clock clock) {
        this.claims = claims;
        this.lease = lease;
        this.clock = clock;
    }

    /**
     * Runs {@code send} unless this user's welcome is settled; completes once it is sent, by us or before,
     * and fails with the refusal (422) if the address was refused for good, now or before.
     */
    public Mono<Void> sendOnce(String userId, Mono<Void> send) {
        ClaimRequest welcome = ClaimRequest.of(UserItem.pk(userId), WelcomeItem.SK).leasedFor(lease);
        AtomicBoolean sentNow = new AtomicBoolean();
        AtomicReference<PermanentFailure> refusedNow = new AtomicReference<>();
        return claims.once(welcome, found -> { }, mine -> send
                        .then(Mono.fromSupplier(() -> {
                            sentNow.set(true);
                            return sent(userId);
                        }))
                        .onErrorResume(PermanentFailure.class, refused -> {
                            refusedNow.set(refused);
                            return Mono.just(rejected(refused));
                        }))
                .flatMap(done -> settled(userId, done, sentNow.get(), refusedNow.get()));
    }

    private Mono<Void> settled(String userId, Claim done, boolean sentNow, PermanentFailure refusedNow) {
        if (WelcomeItem.Outcome.REJECTED.name().equals(done.string(WelcomeItem.OUTCOME))) {
            return Mono.error(refusedNow != null ? refusedNow : new PermanentFailure(HttpStatus.UNPROCESSABLE_ENTITY,
                    "Mail rejected", "The mail server refused this user's address for good before: "
                    + done.string(WelcomeItem.REJECTION), null));
        }
        if (!sentNow) {
            log.info("Welcome for user {} was already sent; not sending it again", userId);
        }
        return Mono.empty();
    }

    /** What the completed claim records: when it was sent, filed under that hour for the report. */
    private Map<String, AttributeValue> sent(String userId) {
        Instant now = clock.instant();
        return Map.of(WelcomeItem.OUTCOME, s(WelcomeItem.Outcome.SENT.name()),
                WelcomeItem.SENT_AT, s(now.toString()),
                Table.ACTIVITY_PK, s(WelcomeItem.sentIn(now)),
                Table.ACTIVITY_SK, s(UserItem.pk(userId)));
    }

    /** Refused for good: recorded, so that neither this worker nor the hourly job tries the address again. */
    private Map<String, AttributeValue> rejected(PermanentFailure refused) {
        String why = String.valueOf(refused.getMessage());
        return Map.of(WelcomeItem.OUTCOME, s(WelcomeItem.Outcome.REJECTED.name()),
                WelcomeItem.REJECTED_AT, s(clock.instant().toString()),
                WelcomeItem.REJECTION, s(why.length() <= MAX_REJECTION_LENGTH ? why : why.substring(0, MAX_REJECTION_LENGTH) + "…"));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
