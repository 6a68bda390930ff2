package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessapp.local.manifests.ChartModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** Knative counts its attempts from 0: the first retry of a linear backoff does not wait. */
    @Test
    void linearWaitsTheDelayTimesTheRetriesBefore() {
        Backoff linear = Backoff.of("linear", "PT0.5S");
        assertThat(linear.delay(1)).isEqualTo(Duration.ZERO);
        assertThat(linear.delay(3)).isEqualTo(Duration.ofSeconds(1));
    }

    /** The chart's broker (retry 5, exponential from PT0.5S) retries for 15.5 s in all, as in a cluster. */
    @Test
    void exponentialStartsAtTheDelayAndDoublesEachRetry() {
        Backoff exponential = Backoff.of("exponential", "PT0.5S");
        assertThat(exponential.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(exponential.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(exponential.delay(5)).isEqualTo(Duration.ofSeconds(8));
        assertThat(java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(exponential::delay)
                .reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.ofMillis(15_500));
    }

    @Test
    void knativeDefaultsToExponential() {
        assertThat(Backoff.of(null, "PT1S").policy()).isEqualTo(Backoff.Policy.EXPONENTIAL);
    }

    @Test
    void retriesAreNumberedFromOne() {
        assertThatThrownBy(() -> Backoff.of("linear", "PT1S").delay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTriggersDeliveryReplacesItsBrokersAsAWhole() {
        var broker = new ChartModel.Delivery(5, "exponential", "PT0.5S", "PT60S", null);
        var trigger = new ChartModel.Delivery(2, null, null, null, null);
        DeliveryPolicy policy = DeliveryPolicy.of(trigger, broker);
        assertThat(policy.retry()).isEqualTo(2);
        assertThat(policy.delayBefore(1)).isEqualTo(Duration.ZERO);
        assertThat(DeliveryPolicy.of(null, broker).timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(DeliveryPolicy.of(null, broker).delayBefore(5)).isEqualTo(Duration.ofSeconds(8));
    }
}
