package dev.serverlessapp.support.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bound from {@code IDEMPOTENCY_LEASE} and {@code IDEMPOTENCY_KEEP_FOR}, with their defaults, by function-defaults.yaml.
 *
 * @param lease   how long a claim (idempotency, welcome, file version) holds without renewal: its holder
 *                renews it every third of the lease while it works, so this is how soon the claim of a
 *                holder that died is taken over. Shorter than the broker's retries (the chart checks it)
 * @param keepFor how long a handled event or request is remembered; longer than any redelivery
 */
@ConfigurationProperties("app.idempotency")
public record IdempotencyProperties(
        Duration lease,
        Duration keepFor) {
}
