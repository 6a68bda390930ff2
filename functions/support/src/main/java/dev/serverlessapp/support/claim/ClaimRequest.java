package dev.serverlessapp.support.claim;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What to claim and on which terms.
 *
 * @param owner      who the claim is for, kept on the item, so that a retry of the same request
 *                   recognises a claim as its own; null when nobody needs to
 * @param lease      how long the claim holds without renewal: a holder that dies loses it after this.
 *                   Null: held until completed or released (it never lapses by itself)
 * @param keepFor    how long the item is kept (expiresAt, the table's TTL, and the hourly clean-up).
 *                   Null: a permanent record, kept for good
 * @param attributes the item's own attributes, written with the claim
 */
public record ClaimRequest(Claim.Key key, String owner, Duration lease, Duration keepFor,
        Map<String, AttributeValue> attributes) {

    public ClaimRequest {
        attributes = Map.copyOf(attributes);
        if (attributes.keySet().stream().anyMatch(Claim.OWN::contains)) {
            throw new IllegalArgumentException("Attributes " + attributes.keySet() + " overlap the claim's own " + Claim.OWN);
        }
    }

    /** A permanent claim that never lapses, for nobody in particular and without attributes. */
    public static ClaimRequest of(String pk, String sk) {
        return new ClaimRequest(new Claim.Key(pk, sk), null, null, null, Map.of());
    }

    public ClaimRequest ownedBy(String owner) {
        return new ClaimRequest(key, owner, lease, keepFor, attributes);
    }

    public ClaimRequest leasedFor(Duration lease) {
        return new ClaimRequest(key, owner, lease, keepFor, attributes);
    }

    public ClaimRequest keptFor(Duration keepFor) {
        return new ClaimRequest(key, owner, lease, keepFor, attributes);
    }

    public ClaimRequest with(Map<String, AttributeValue> more) {
        Map<String, AttributeValue> all = new HashMap<>(attributes);
        all.putAll(more);
        return new ClaimRequest(key, owner, lease, keepFor, all);
    }
}
