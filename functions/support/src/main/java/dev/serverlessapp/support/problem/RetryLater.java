package dev.serverlessapp.support.problem;

import java.time.Duration;

/**
 * A failure that says when to try again: {@link Problems} answers it with {@code Retry-After}
 * (whole seconds, at least 1). HTTP clients should honour it; Knative's broker follows its own backoff.
 */
public interface RetryLater {

    /** What a 503 for a backend that is down or slow asks for: a short pause, then exponential backoff. */
    Duration BACKEND_DOWN = Duration.ofSeconds(2);

    Duration retryAfter();

    /** The header's value: whole seconds, rounded up, never 0 (which would invite a tight loop). */
    static String seconds(Duration retryAfter) {
        long millis = Math.max(retryAfter.toMillis(), 1);
        return Long.toString((millis + 999) / 1000);
    }
}
