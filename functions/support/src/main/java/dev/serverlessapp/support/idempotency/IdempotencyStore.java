package dev.serverlessapp.support.idempotency;

import dev.serverlessapp.contract.IdempotencyItem;
import dev.serverlessapp.support.claim.Claim;
import dev.serverlessapp.support.claim.ClaimHeldException;
import dev.serverlessapp.support.claim.ClaimRequest;
import dev.serverlessapp.support.claim.Claims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Gives an action its effect once per key, in the manner of Powertools' idempotency utility, on the
 * claim mechanism: the first run claims the key and stores its answer; a repeat gets the stored answer,
 * waiting for it if the first run is still at work; a run that fails releases the claim so a retry runs
 * again, and a claim whose holder died lapses after the lease. Records expire after {@code keepFor}
 * (the table's TTL, and the hourly clean-up, remove them).
 */
public class IdempotencyStore {

    private final Claims claims;
    private final Duration lease;

    public IdempotencyStore(DynamoDbAsyncClient dynamo, String table, Duration lease, Clock clock) {
        this.claims = new Claims(dynamo, table, clock);
        this.lease = lease;
    }

    /**
     * What identifies a request: a scope (so event ids and HTTP keys never collide), the key itself,
     * and a fingerprint of the payload, so that a key reused for a different payload is refused.
     */
    public record Key(String scope, String value, String fingerprint) {
        public static Key of(String scope, String value, String fingerprint) {
            return new Key(scope, value, fingerprint);
        }

        /**
         * The record's partition key. It also names the request to the claims its action makes (as
         * their owner), so that a retry of the request recognises them as its own.
         */
        public String id() {
            return IdempotencyItem.pk(sha256(scope + "\n" + value));
        }
    }

    /** Runs the action unless the key has been seen; then answers what the first run answered. */
    public Mono<String> once(Key key, Duration keepFor, Supplier<Mono<String>> action) {
        ClaimRequest request = ClaimRequest.of(key.id(), IdempotencyItem.SK).leasedFor(lease).keptFor(keepFor)
                .with(Map.of(IdempotencyItem.SCOPE, s(key.scope()), IdempotencyItem.KEY, s(key.value()),
                        IdempotencyItem.FINGERPRINT, s(key.fingerprint())));
        return claims.once(request, found -> refuseOtherPayload(found, key),
                        claim -> action.get().map(result -> Map.of(IdempotencyItem.RESULT, s(result))))
                .map(done -> done.string(IdempotencyItem.RESULT))
                .onErrorMap(ClaimHeldException.class, held -> new ClaimHeldException(
                        "A request with the same " + key.scope() + " key", held.retryAfter()));
    }

    private static void refuseOtherPayload(Claim found, Key key) {
        if (!key.fingerprint().equals(found.string(IdempotencyItem.FINGERPRINT))) {
            throw new IdempotencyKeyReusedException(key);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
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
