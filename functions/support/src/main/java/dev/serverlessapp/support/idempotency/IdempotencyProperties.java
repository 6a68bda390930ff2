package dev.serverlessapp.support.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param lease   how long a claim holds before a crashed holder's key lapses; longer than a request
 * @param keepFor how long a handled event or request is remembered; longer than any redelivery
 */
@ConfigurationProperties("app.idempotency")
public record IdempotencyProperties(
        @DefaultValue("PT2M") Duration lease,
        @DefaultValue("PT24H") Duration keepFor) {
}
