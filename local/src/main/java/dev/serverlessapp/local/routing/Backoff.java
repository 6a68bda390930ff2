package dev.serverlessapp.local.routing;

import java.time.Duration;

/** Knative's backoff: linear waits {@code delay × n} before retry n, exponential {@code delay × 2^n}. */
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
            case LINEAR -> delay.multipliedBy(retry);
            case EXPONENTIAL -> delay.multipliedBy(1L << Math.min(retry, 30));
        };
    }
}
