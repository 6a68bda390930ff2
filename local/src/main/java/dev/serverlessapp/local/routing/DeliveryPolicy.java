package dev.serverlessapp.local.routing;

import dev.serverlessapp.local.manifests.ChartModel.Delivery;
import dev.serverlessapp.local.manifests.ChartModel.Destination;
import java.time.Duration;

/**
 * How a subscriber is delivered to: Knative's {@code delivery} spec (retry, backoff, timeout, dead-letter
 * sink). A Trigger's own spec replaces its Broker's as a whole, as the Knative broker does.
 */
public record DeliveryPolicy(int retry, Backoff backoff, Duration timeout, Destination deadLetterSink) {

    /** Knative's default per-attempt timeout when none is set is the dispatcher's HTTP timeout; we keep a bound. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public static DeliveryPolicy of(Delivery trigger, Delivery broker) {
        Delivery spec = trigger != null ? trigger : broker;
        if (spec == null) {
            return new DeliveryPolicy(0, Backoff.of(null, null), DEFAULT_TIMEOUT, null);
        }
        int retry = spec.retry() == null ? 0 : spec.retry();
        Duration timeout = spec.timeout() == null ? DEFAULT_TIMEOUT : Duration.parse(spec.timeout());
        return new DeliveryPolicy(retry, Backoff.of(spec.backoffPolicy(), spec.backoffDelay()), timeout,
                spec.deadLetterSink());
    }

    /** The wait before retry number {@code n} (1-based). */
    public Duration delayBefore(int n) {
        return backoff.delay(n);
    }
}
