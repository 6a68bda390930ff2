package dev.serverlessapp.local.routing;

import io.fabric8.knative.duck.v1.DeliverySpec;
import io.fabric8.knative.duck.v1.Destination;
import java.time.Duration;

/**
 * How a subscriber is delivered to: Knative's {@code delivery} spec (retry, backoff, timeout, dead-letter
 * sink). A Trigger's own spec replaces its Broker's as a whole, as the Knative broker does.
 */
public record DeliveryPolicy(int retry, Backoff backoff, Duration timeout, Destination deadLetterSink) {

    /** Knative's default per-attempt timeout when none is set is the dispatcher's HTTP timeout; we keep a bound. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public static DeliveryPolicy of(DeliverySpec trigger, DeliverySpec broker) {
        DeliverySpec spec = trigger != null ? trigger : broker;
        if (spec == null) {
            return new DeliveryPolicy(0, Backoff.of(null, null), DEFAULT_TIMEOUT, null);
        }
        int retry = spec.getRetry() == null ? 0 : spec.getRetry();
        Duration timeout = spec.getTimeout() == null ? DEFAULT_TIMEOUT : Duration.parse(spec.getTimeout());
        return new DeliveryPolicy(retry, Backoff.of(spec.getBackoffPolicy(), spec.getBackoffDelay()), timeout,
                spec.getDeadLetterSink());
    }

    /** The wait before retry number {@code n} (1-based). */
    public Duration delayBefore(int n) {
        return backoff.delay(n);
    }
}
