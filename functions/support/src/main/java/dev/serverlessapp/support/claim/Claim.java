package dev.serverlessapp.support.claim;

import dev.serverlessapp.contract.ClaimStatus;
import dev.serverlessapp.contract.Table;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One claim item as stored, read in one place: who holds a key ({@code owner}, and the {@code token}
 * of this holding), whether the work is done, until when a holder that stops renewing keeps it, and
 * the item's own attributes (a user id, a stored answer, an output's metadata).
 *
 * @param owner      who the holder works for (an idempotency key, say); null when nobody needs to know
 * @param token      this holding: every write of a holder is conditional on it, so a holder that lost
 *                   the claim can no longer change it
 * @param leaseUntil a holder that stops renewing loses the claim after this; null = it never lapses
 * @param claimedAt  when this holding began
 */
public record Claim(Key key, ClaimStatus status, String owner, String token, Instant leaseUntil, Instant claimedAt,
        Map<String, AttributeValue> attributes) {

    /** The item's key in the app table. */
    public record Key(String pk, String sk) {
        Map<String, AttributeValue> asItemKey() {
            return Map.of(Table.PK, AttributeValue.fromS(pk), Table.SK, AttributeValue.fromS(sk));
        }
    }

    static final String STATUS = "status";
    static final String OWNER = "owner";
    static final String TOKEN = "token";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String CLAIMED_AT = "claimedAt";
    /** What the mechanism writes itself; everything else is the item's own. */
    static final Set<String> OWN = Set.of(Table.PK, Table.SK, STATUS, OWNER, TOKEN, LEASE_UNTIL, CLAIMED_AT,
            Table.EXPIRES_AT, Table.DUE_PK, Table.DUE_SK);

    public boolean isCompleted() {
        return status == ClaimStatus.COMPLETED;
    }

    /** In progress, but its holder stopped renewing: the next claim takes it over. */
    public boolean hasLapsed(Instant now) {
        return status == ClaimStatus.IN_PROGRESS && leaseUntil != null && leaseUntil.isBefore(now);
    }

    public String string(String attribute) {
        AttributeValue value = attributes.get(attribute);
        return value == null ? null : value.s();
    }

    static Claim of(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> own = new HashMap<>(item);
        own.keySet().removeAll(OWN);
        return new Claim(new Key(item.get(Table.PK).s(), item.get(Table.SK).s()),
                ClaimStatus.of(text(item, STATUS)),
                text(item, OWNER), text(item, TOKEN),
                item.containsKey(LEASE_UNTIL) ? Instant.ofEpochMilli(Long.parseLong(item.get(LEASE_UNTIL).n())) : null,
                item.containsKey(CLAIMED_AT) ? Instant.parse(item.get(CLAIMED_AT).s()) : null,
                Map.copyOf(own));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
