package dev.serverlessapp.contract;

/**
 * What a request or event had as its effect, {@code IDEMPOTENCY#<hash>}/{@code IDEMPOTENCY}: a leased,
 * temporary claim, filed under {@code EXPIRES#<hour>} (see {@link Table#expiringBy}). Written by
 * function-support's idempotency store, in every function; deleted by the hourly clean-up once expired.
 */
public final class IdempotencyItem {

    public static final String SK = "IDEMPOTENCY";
    public static final String SCOPE = "scope";
    public static final String KEY = "key";
    /** A hash of the payload, so that a key reused for another payload is refused. */
    public static final String FINGERPRINT = "fingerprint";
    /** The stored answer, once completed. */
    public static final String RESULT = "result";

    private static final String IDEMPOTENCY = "IDEMPOTENCY#";

    private IdempotencyItem() {
    }

    /** {@code hash}: of the scope and the key, which may be longer than a key attribute holds. */
    public static String pk(String hash) {
        return IDEMPOTENCY + hash;
    }
}
