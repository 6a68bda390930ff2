package dev.serverlessapp.local.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.knative.duck.v1.DeliverySpecBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void linearWaitsTheDelayTimesTheRetryNumber() {
        Backoff linear = Backoff.of("linear", "PT0.5S");
        assertThat(linear.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(linear.delay(3)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void exponentialDoublesEachRetry() {
        Backoff exponential = Backoff.of("exponential", "PT0.5S");
        assertThat(exponential.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(exponential.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(exponential.delay(5)).isEqualTo(Duration.ofSeconds(16));
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
        var broker = new DeliverySpecBuilder().withRetry(5).withBackoffPolicy("exponential").withBackoffDelay("PT0.5S")
                .withTimeout("PT60S").build();
        var trigger = new DeliverySpecBuilder().withRetry(2).build();
        DeliveryPolicy policy = DeliveryPolicy.of(trigger, broker);
        assertThat(policy.retry()).isEqualTo(2);
        assertThat(policy.delayBefore(1)).isEqualTo(Duration.ZERO);
        assertThat(DeliveryPolicy.of(null, broker).timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(DeliveryPolicy.of(null, broker).delayBefore(5)).isEqualTo(Duration.ofSeconds(16));
    }
}
