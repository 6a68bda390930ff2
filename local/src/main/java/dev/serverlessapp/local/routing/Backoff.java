package dev.serverlessapp.local.routing;

import java.time.Duration;

/**
 * Knative's backoff. Its dispatcher (go-retryablehttp) numbers retries from 0, so before retry n
 * (1-based) linear waits {@code delay × (n-1)} and exponential {@code delay × 2^(n-1)}: retry 5,
 * exponential from PT0.5S, waits 0.5 + 1 + 2 + 4 + 8 = 15.5 s in all.
 */
public record Backoff(Policy policy, Duration delay) {

    public enum Policy { LINEAR, EXPONENTIAL }

    /** Knative's default policy is exponential; with no delay set, retries are immediate. */
    public static Backoff of(String policy, String delay) {
        Policy parsed = policy == null || policy.isBlank() ? Policy.EXPONENTIAL
                : Policy.valueOf(policy.trim().toUpperCase(java.util.Locale.ROOT));
        return new Backoff(parsed, delay == null || delay.isBlank() ? Duration.ZERO : Duration.parse(delay));
    }

    public Duration delay(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("Retries are numbered from 1, not " + retry);
        }
        return switch (policy) {
            case LINEAR -> delay.multipliedBy(retry - 1);
            case EXPONENTIAL -> delay.multipliedBy(1L << Math.min(retry - 1, 30));
        };
    }
}
