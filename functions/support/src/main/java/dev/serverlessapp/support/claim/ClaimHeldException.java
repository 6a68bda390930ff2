package dev.serverlessapp.support.claim;

import dev.serverlessapp.support.problem.RetryLater;
import java.time.Duration;

/**
 * Someone else holds the claim and is still at work. Answers 409 with {@code Retry-After}: Knative
 * retries 409, and by then the holder has answered, or has died and its lease has lapsed.
 */
public class ClaimHeldException extends RuntimeException implements RetryLater {

    private final transient Duration retryAfter;

    /** {@code what} names the work, as a caller would: "A request with the same users key". */
    public ClaimHeldException(String what, Duration retryAfter) {
        this(retryAfter, what + " is still being processed; retry later");
    }

    protected ClaimHeldException(Duration retryAfter, String message) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
