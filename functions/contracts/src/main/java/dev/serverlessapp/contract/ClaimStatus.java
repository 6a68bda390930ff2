package dev.serverlessapp.contract;

/**
 * Where a claim item of function-support's claim mechanism stands, in its {@code status}: every claim
 * item (idempotency records, email claims, welcomes, processed files) has one.
 */
public enum ClaimStatus {
    IN_PROGRESS, COMPLETED;

    /** The status of a welcome being sent, as welcome items before the claim mechanism recorded it. */
    private static final String LEGACY_SENDING = "SENDING";

    /**
     * The stored status. Items written before the claim mechanism read as finished work: an email claim
     * without a status, or a welcome whose status is {@code SENT}; a welcome {@code SENDING} reads as in
     * progress.
     */
    public static ClaimStatus of(String stored) {
        if (stored == null || stored.equals(WelcomeItem.Outcome.SENT.name())) {
            return COMPLETED;
        }
        return stored.equals(LEGACY_SENDING) ? IN_PROGRESS : valueOf(stored);
    }
}
