package dev.serverlessapp.users.gateway;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A token bucket per client, in each pod (application.yaml binds the environment variables, with their defaults).
 *
 * @param enabled        {@code RATE_LIMIT_ENABLED}: off when the ingress limits instead
 * @param rate           {@code RATE_LIMIT_RATE}: requests a client regains per period
 * @param period         {@code RATE_LIMIT_PERIOD}
 * @param burst          {@code RATE_LIMIT_BURST}: requests a client may make at once (the bucket size)
 * @param maxClients     {@code RATE_LIMIT_MAX_CLIENTS}: buckets kept in memory; the least recently
 *                       used go first
 * @param trustedProxies {@code RATE_LIMIT_TRUSTED_PROXIES}: addresses or CIDR ranges whose
 *                       {@code X-Forwarded-For} is believed; the default is Knative's queue-proxy
 *                       sidecar on loopback
 */
@ConfigurationProperties("users.rate-limit")
public record RateLimitProperties(
        boolean enabled,
        long rate,
        Duration period,
        long burst,
        long maxClients,
        List<String> trustedProxies) {

    public RateLimitProperties {
        if (rate < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("RATE_LIMIT_RATE and RATE_LIMIT_BURST must be at least 1, "
                    + "RATE_LIMIT_PERIOD positive");
        }
    }
}
